// @ts-check
// The platforms the extension is published for, one .vsix each: the extension loads FFmpeg's libraries
// through node-av, whose binary comes from one package per platform.

/**
 * @typedef {object} PackageTarget
 * @property {string} target VS Code's name of the platform (`vsce package --target`).
 * @property {string} os npm's `--os`: the platform whose optional dependencies are installed.
 * @property {string} cpu npm's `--cpu`.
 * @property {string | undefined} libc npm's `--libc`; VS Code's linux-* targets are glibc (alpine-* are musl).
 * @property {string} nativePackage The package node-av loads its binary from on that platform.
 * @property {readonly string[]} unusedBuilds Other binary packages npm installs there (it selects by
 *   os and cpu only), which node-av does not load on that platform.
 */

/** @type {readonly PackageTarget[]} */
export const PACKAGE_TARGETS = [
  { target: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc', nativePackage: '@seydx/node-av-linux-x64', unusedBuilds: [] },
  { target: 'linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc', nativePackage: '@seydx/node-av-linux-arm64', unusedBuilds: [] },
  { target: 'darwin-x64', os: 'darwin', cpu: 'x64', libc: undefined, nativePackage: '@seydx/node-av-darwin-x64', unusedBuilds: [] },
  { target: 'darwin-arm64', os: 'darwin', cpu: 'arm64', libc: undefined, nativePackage: '@seydx/node-av-darwin-arm64', unusedBuilds: [] },
  // Windows has an MSVC and a MinGW build. node-av takes the MinGW one only under a Node built with
  // MinGW (os.type() other than 'Windows_NT'); VS Code's Electron, like the official Node, is MSVC-built.
  {
    target: 'win32-x64',
    os: 'win32',
    cpu: 'x64',
    libc: undefined,
    nativePackage: '@seydx/node-av-win32-x64-msvc',
    unusedBuilds: ['@seydx/node-av-win32-x64-mingw'],
  },
];

/** The scope all of node-av's binary packages live in. */
export const NATIVE_PACKAGE_SCOPE = '@seydx';

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Native code in an archive: Node addons and shared libraries of any platform. */
export const NATIVE_FILE = /\.(node|dll|dylib|exe)$|\.so(\.\d+)*$/;

/** How many leading bytes of each native file are read: enough for every header binaryFormat reads. */
const HEAD_BYTES = 4096;

export interface VsixContents {
  /** Every entry's path, e.g. `extension/dist/extension.js`. */
  entries: string[];
  /** The first bytes of each native file, by entry path. */
  nativeHeads: Map<string, Buffer>;
  /** extension.vsixmanifest, the package's identity (its target platform among it). */
  vsixManifest: string;
  /** extension/package.json as packaged. */
  packageJson: string;
}

// Python's zipfile reads a member's first bytes without inflating the rest (the binaries are 100+ MB).
const READ_VSIX = `
import json, re, sys, zipfile
path, native, head_bytes = sys.argv[1], re.compile(sys.argv[2]), int(sys.argv[3])
with zipfile.ZipFile(path) as vsix:
    heads = {}
    for name in vsix.namelist():
        if native.search(name):
            with vsix.open(name) as member:
                heads[name] = member.read(head_bytes).hex()
    json.dump({
        'entries': vsix.namelist(),
        'heads': heads,
        'vsixManifest': vsix.read('extension.vsixmanifest').decode('utf-8'),
        'packageJson': vsix.read('extension/package.json').decode('utf-8'),
    }, sys.stdout)
`;

export async function readVsix(vsixPath: string): Promise<VsixContents> {
  const { stdout } = await execFileAsync('python3', ['-c', READ_VSIX, vsixPath, NATIVE_FILE.source, String(HEAD_BYTES)], { maxBuffer: 64 * 1024 * 1024 });
  const read = JSON.parse(stdout) as { entries: string[]; heads: Record<string, string>; vsixManifest: string; packageJson: string };
  return {
    entries: read.entries,
    nativeHeads: new Map(Object.entries(read.heads).map(([name, hex]) => [name, Buffer.from(hex, 'hex')])),
    vsixManifest: read.vsixManifest,
    packageJson: read.packageJson,
  };
}

/** Unpacks the whole archive into `dir`, as an install would (the extension is under dir/extension/). */
export async function extractVsix(vsixPath: string, dir: string): Promise<void> {
  await execFileAsync('python3', ['-m', 'zipfile', '-e', vsixPath, dir]);
}

/** The `TargetPlatform` of the manifest's Identity element; undefined for a universal package. */
export function targetPlatform(vsixManifest: string): string | undefined {
  return /<Identity\b[^>]*\bTargetPlatform="([^"]*)"/.exec(vsixManifest)?.[1];
}

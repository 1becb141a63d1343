// Bundles the library, the CLI, the decoding worker, the notebook kernel and the VS Code extension into
// dist/, side by side: each finds the scripts it forks next to itself. node-av stays external (its native
// binary loads from node_modules), and so does tslab (its type checker reads TypeScript's lib files beside
// itself); `vscode` is the editor's own module.
import { build } from 'esbuild';

await build({
  entryPoints: {
    index: 'kernel/src/index.ts',
    cli: 'kernel/src/cli/cli.ts',
    decodeWorker: 'kernel/src/worker/decodeWorker.ts',
    deviceProbeProcess: 'kernel/src/worker/deviceProbeProcess.ts',
    kernelProcess: 'kernel/src/notebookKernel/kernelProcess.ts',
    extension: 'extension/src/extension.ts',
    // The sample dataset's generator: the walkthrough runs it where the user opens the sample.
    generateSamples: 'samples/generateSamples.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['node-av', 'node-av/*', '@seydx/*', 'ffmpeg-static', 'vscode', 'tslab', 'tslab/*', '@tslab/*'],
  logLevel: 'warning',
});

// Notebook output renderers: browser ES modules exporting `activate`, loaded by VS Code in the
// notebook webview; they share only the plain output types with the kernel.
await build({
  entryPoints: {
    progress: 'renderers/progress/progressRenderer.ts',
    keyframes: 'renderers/keyframes/keyframesRenderer.ts',
  },
  outdir: 'dist/renderers',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
});

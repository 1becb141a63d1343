// Bundles the library, the CLI and the decoding worker into dist/. node-av stays external:
// its native binary is loaded from node_modules at run time.
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['node-av', 'node-av/*', '@seydx/*', 'ffmpeg-static', 'vscode'],
  logLevel: 'warning',
};

await build({
  ...shared,
  entryPoints: {
    index: 'kernel/src/index.ts',
  },
  outdir: 'dist',
});

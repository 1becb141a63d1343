import * as path from 'node:path';

/**
 * The worker's script. It sits beside this module both in the compiled tree (out/.../worker/) and in
 * the bundle (dist/, where esbuild emits decodeWorker.js next to index.js and cli.js).
 */
export const decodeWorkerScript = path.join(__dirname, 'decodeWorker.js');

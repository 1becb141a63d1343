import * as path from 'node:path';

/*
 * The scripts of the processes the engine forks. They sit beside this module both in the compiled
 * tree (out/.../worker/) and in the bundle (dist/, where esbuild emits them next to index.js and cli.js).
 */
export const decodeWorkerScript = path.join(__dirname, 'decodeWorker.js');
export const deviceProbeScript = path.join(__dirname, 'deviceProbeProcess.js');

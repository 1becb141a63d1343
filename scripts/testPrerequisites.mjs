// `npm test` runs this first: the Debian packages the suite needs (see systemPackages.mjs), so a
// fresh machine gets them, or a clear list, before anything is built.
import { CHROMIUM, ensureSystemPackages, file, program } from './systemPackages.mjs';

try {
  ensureSystemPackages([
    program('ffmpeg', 'ffmpeg', 'the ffmpeg-program backend tests run it'),
    program('ffprobe', 'ffmpeg', 'the ffmpeg-program backend tests run it'),
    file(CHROMIUM, 'chromium', 'the renderer and VS Code tests drive it headless'),
  ]);
} catch (error) {
  console.error(`npm test: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

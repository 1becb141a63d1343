/**
 * A mocha root hook (.mocharc.json `require`): before any test, the Debian packages the suite needs
 * are there, installed as root or named with the command that installs them. The VS Code tests'
 * harness adds its own build prerequisites when it installs code-server.
 */
import * as path from 'node:path';
import { chromiumRequirements, fileRequirement, installDebianPackages, programRequirement } from './debianPackages';

/** This file compiles to out/test/setup/; the log sits beside the other test logs. */
const SETUP_LOG = path.resolve(__dirname, '..', '..', '..', '.vscode-test', 'test-setup.log');

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(15 * 60_000);
    await installDebianPackages(
      [
        programRequirement('ffmpeg', 'ffmpeg', 'the ffmpeg-program backend tests run it'),
        programRequirement('ffprobe', 'ffmpeg', 'the ffmpeg-program backend tests run it'),
        programRequirement('redis-server', 'redis-server', 'the queue tests start their own Redis'),
        // Mesa's software Vulkan device (lavapipe) has no video decode: FFmpeg falls back on it as it does when NVDEC refuses a stream.
        fileRequirement(`/usr/share/vulkan/icd.d/lvp_icd.${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.json`, 'mesa-vulkan-drivers', 'the hardware fallback tests decode on its Vulkan device'),
        ...chromiumRequirements(),
      ],
      SETUP_LOG,
    );
  },
};

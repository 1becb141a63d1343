import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BACKEND, DEFAULT_DEVICE } from '../../kernel/src/config/decoderConfig';
import { DEFAULT_INTERRUPT_GRACE_MS } from '../../kernel/src/notebookKernel/kernelProtocol';
import { DEFAULT_NUM_FRAMES } from '../../kernel/src/processingDefaults';
import { REPO } from './sourceGraph';

/** package.json is data and cannot import the engine's constants: this holds the two together. */
describe('the settings package.json declares', () => {
  const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  };
  const declared = (name: string) => manifest.contributes.configuration.properties[`videoBatchKernel.${name}`]?.default;

  it("default to the engine's own defaults", () => {
    assert.deepEqual(
      { device: declared('device'), backend: declared('backend'), numFrames: declared('numFrames'), interruptGraceSeconds: declared('interruptGraceSeconds'), numWorkers: declared('numWorkers') },
      // numWorkers 0 stands for the engine's default (one per core, at most 8).
      { device: DEFAULT_DEVICE, backend: DEFAULT_BACKEND, numFrames: DEFAULT_NUM_FRAMES, interruptGraceSeconds: DEFAULT_INTERRUPT_GRACE_MS / 1000, numWorkers: 0 },
    );
  });
});

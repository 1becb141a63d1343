import { strict as assert } from 'node:assert';
import { parseProcessArguments, processFnOf, type ProcessCommand } from '../../kernel/src/cli/cliArguments';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';

const parse = (...flags: string[]) => parseProcessArguments(['v.csv', '--video-col', 'path', ...flags]) as ProcessCommand;

describe('--width --height --fit', () => {
  it('gives the built-in a resize, which its fingerprint includes', () => {
    const command = parse('--width', '224', '--height', '160', '--fit', 'cover');
    assert.deepEqual(command.resize, { width: 224, height: 160, fit: 'cover' });
    assert.deepEqual(processFnOf(command).builtinTask.options, { numFrames: 16, size: undefined, resize: { width: 224, height: 160, fit: 'cover' } });
    const contain = processFnOf(parse('--width', '224', '--height', '160', '--fit', 'contain'));
    assert.notEqual(processingFingerprint(processFnOf(command)), processingFingerprint(contain));
    assert.equal(parse().resize, undefined);
  });

  it('refuses a partial set, --size beside it, odd sides and unknown fits', () => {
    assert.throws(() => parse('--width', '224', '--height', '160'), /--width, --height and --fit go together/);
    assert.throws(() => parse('--size', '64', '--width', '224', '--height', '160', '--fit', 'cover'), /--size and --width both set the frame size/);
    assert.throws(() => parse('--width', '223', '--height', '160', '--fit', 'cover'), /--width takes an even number/);
    assert.throws(() => parse('--width', '224', '--height', '160', '--fit', 'fill'), /--fit takes one of stretch, cover, contain; got 'fill'/);
  });
});

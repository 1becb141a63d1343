import { strict as assert } from 'node:assert';
import { parseProcessArguments, PROCESS_COMMAND, type ProcessCommand } from '../../kernel/src/cli/cliArguments';
import { commandHelp } from '../../kernel/src/cli/cliFlags';
import { DecoderConfig } from '../../kernel/src/config/decoderConfig';

const parse = (...flags: string[]) => parseProcessArguments(['v.csv', '--video-col', 'path', ...flags]) as ProcessCommand;

describe('--no-autorotate', () => {
  it('turns autorotation off in the decoder settings; without it frames are upright', () => {
    const off = parse('--no-autorotate');
    assert.equal(off.autorotate, false);
    assert.equal(new DecoderConfig({ autorotate: off.autorotate }).toSettings().autorotate, false);
    assert.equal(parse().autorotate, undefined);
    assert.equal(new DecoderConfig({ autorotate: parse().autorotate }).toSettings().autorotate, true);
    assert.throws(() => new DecoderConfig({ autorotate: 'no' as unknown as boolean }), /autorotate must be true or false, got no/);
  });

  it('has its line in the help', () => {
    assert.match(commandHelp('video-batch-kernel', PROCESS_COMMAND), /--no-autorotate\s+Frames as stored/);
  });
});

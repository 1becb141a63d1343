import { strict as assert } from 'node:assert';
import { failureKind, FAILURE_KINDS, FAILURE_KIND_LABELS } from '../../kernel/src/stats/failureKinds';
import { describeExit } from '../../kernel/src/pool/workerProcess';
import { networkFailure } from '../../kernel/src/decode/networkInput';
import { missingVideo } from '../../kernel/src/processor/rowRecords';

describe('failure kinds', () => {
  it('names the kind of the errors the engine itself writes', async () => {
    const url = 'https://bucket.example/v.mp4?X-Amz-Signature=secret';
    const cases: [string, string][] = [
      [(await missingVideo('/nonexistent/clip.mp4'))!, 'missing_file'],
      [describeExit(null, 'SIGSEGV', ['Segmentation fault']), 'worker_crash'],
      [describeExit(1, null, []), 'worker_crash'],
      [describeExit(null, 'SIGABRT', ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory']), 'out_of_memory'],
      [networkFailure('Server returned 404 Not Found', url, 5)!, 'network'],
      [networkFailure('Connection refused', url, 5)!, 'network'],
      [networkFailure('anything', url, 5, true)!, 'network'],
      ['timed out after 30 s; its decoding worker was killed', 'timeout'],
      ["no decoder for codec 'prores' of /d/a.mov", 'unsupported_codec'],
      ['cannot open /d/broken.mp4: Invalid data found when processing input', 'unreadable'],
      ['cannot decode frame 12 of /d/a.mp4: the file may be damaged', 'unreadable'],
      ['no video stream in /d/song.mp3', 'unreadable'],
      ['TypeError: loader.frames is not a function', 'other'],
    ];
    for (const [error, kind] of cases) assert.equal(failureKind(error), kind, error);
  });

  it('labels every kind', () => {
    for (const kind of FAILURE_KINDS) assert.ok(FAILURE_KIND_LABELS[kind].length > 0);
  });
});

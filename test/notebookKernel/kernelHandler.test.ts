/**
 * The kernel's logic in this process, with the real tslab cells and no kernel process: the
 * transport (kernelProcess.ts) is tested by the kernel tests that start one.
 */
import * as assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelHandler } from '../../kernel/src/notebookKernel/kernelHandler';
import type { KernelMessage } from '../../kernel/src/notebookKernel/kernelProtocol';
import { TypeScriptCells } from '../../kernel/src/notebookKernel/typescriptCells';

describe('notebook kernel logic, without a process', function () {
  this.timeout(60_000);
  let dir: string;
  let cells: TypeScriptCells;
  let handler: KernelHandler;
  const printed: string[] = [];
  const sent = new EventEmitter<{ message: [KernelMessage] }>();
  const messages: KernelMessage[] = [];

  /** The next message of `type` for `requestId`, as the handler sends it. */
  async function reply<T extends KernelMessage['type']>(type: T, requestId: number): Promise<Extract<KernelMessage, { type: T }>> {
    const matches = (message: KernelMessage) => message.type === type && 'requestId' in message && message.requestId === requestId;
    for (;;) {
      const earlier = messages.find(matches);
      if (earlier) return earlier as Extract<KernelMessage, { type: T }>;
      await once(sent, 'message');
    }
  }

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vbk-handler-'));
    cells = new TypeScriptCells(dir, (text) => printed.push(text));
    handler = new KernelHandler({
      cells,
      send: (message) => {
        messages.push(message);
        sent.emit('message', message);
      },
      flushStreams: () => undefined,
      activeRuns: () => [],
      pagedRecords: () => undefined,
      runStopWaitMs: 1000,
    });
  });
  after(async () => {
    cells.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs cells in order, keeping their state, and answers each when it has run', async () => {
    handler.receive({ type: 'execute', requestId: 1, code: 'const answer: number = 6 * 7;' });
    handler.receive({ type: 'execute', requestId: 2, code: 'answer' });
    assert.equal((await reply('executed', 1)).result.status, 'ok');
    assert.equal((await reply('executed', 2)).result.status, 'ok');
    assert.deepEqual(printed, ['42']);
  });

  it('reports a type error as the cell\'s error output, then the cell as failed', async () => {
    handler.receive({ type: 'execute', requestId: 3, code: 'const wrong: string = 1;' });
    assert.equal((await reply('executed', 3)).result.status, 'error');
    const output = await reply('output', 3);
    assert.equal(output.output.kind, 'error');
  });

  it('completes and hovers from the cells\' declarations, and has no page of a grid it never showed', async () => {
    handler.receive({ type: 'complete', requestId: 4, code: 'answ', offset: 4 });
    assert.ok((await reply('completed', 4)).completion.candidates.includes('answer'));
    handler.receive({ type: 'hover', requestId: 5, code: 'answer', offset: 2 });
    assert.match(JSON.stringify((await reply('hovered', 5)).hover), /number/);
    handler.receive({ type: 'keyframesPage', requestId: 6, displayId: 'nope', offset: 0, limit: 12 });
    assert.equal((await reply('keyframesPage', 6)).page, null);
  });

  it('an interrupt while a cell awaits ends that cell as interrupted, and the next cell runs', async () => {
    handler.receive({ type: 'execute', requestId: 7, code: 'await new Promise(() => undefined);' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.ok(handler.cellSignal, 'the cell is running');
    handler.interrupt();
    assert.equal((await reply('executed', 7)).result.status, 'interrupted');
    assert.equal(handler.cellSignal, undefined);
    handler.receive({ type: 'execute', requestId: 8, code: 'answer + 1' });
    assert.equal((await reply('executed', 8)).result.status, 'ok');
    assert.equal(printed.at(-1), '43');
  });
});

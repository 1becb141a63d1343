import * as assert from 'node:assert/strict';
import type { KernelExit } from '../../kernel/src/notebookKernel/kernelSession';
import * as path from 'node:path';
import { fileAppears, runCell, startKernel, type KernelFixture } from './kernelFixture';

describe('notebook kernel: interrupt, crash and restart', function () {
  let fixture: KernelFixture;
  beforeEach(async () => {
    fixture = await startKernel({ maxHeapMb: 192 });
  });
  afterEach(async () => fixture?.cleanup());

  it('interrupts a synchronous busy loop, twice in a row, and the kernel keeps its state', async () => {
    await runCell(fixture.kernel, 'const kept = "still here";');
    for (let attempt = 0; attempt < 2; attempt++) {
      const marker = path.join(fixture.notebookDir, `spinning-${attempt}`);
      const running = runCell(fixture.kernel, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');\nlet spins = 0;\nwhile (true) { spins++; }`);
      await fileAppears(marker);
      assert.equal(await fixture.kernel.interrupt(), 'interrupted');
      const run = await running;
      assert.equal(run.status, 'interrupted');
      assert.ok(run.outputs.some((output) => output.kind === 'error' && output.name === 'Interrupted'));
    }
    assert.equal((await runCell(fixture.kernel, 'kept')).text, 'still here\n');
  });

  it('restarts the kernel, and says so, when a loop after an await ignores the interrupt', async () => {
    const marker = path.join(fixture.notebookDir, 'spinning');
    const cell = `await Promise.resolve();\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, '');\nwhile (true) {}`;
    const running = runCell(fixture.kernel, cell).then(() => undefined, (error: Error) => error);
    await fileAppears(marker);
    assert.equal(await fixture.kernel.interrupt(1500), 'restarted');
    assert.match(String(await running), /did not stop within 1.5 s of the interrupt .* the kernel was restarted/);
    assert.equal((await runCell(fixture.kernel, '1 + 1')).text, '2\n');
  });

  it('survives a cell that exits the process or exhausts memory: the host hears why, and restart gives a clean state', async () => {
    const exits: KernelExit[] = [];
    fixture.kernel.on('exit', (exit) => exits.push(exit));
    await runCell(fixture.kernel, 'const before = 1;');
    await assert.rejects(runCell(fixture.kernel, 'process.exit(3);'), /exited with code 3/);
    assert.equal(exits[0]?.code, 3);
    assert.equal(fixture.kernel.alive, false);

    await fixture.kernel.restart();
    const clean = await runCell(fixture.kernel, 'typeof before');
    assert.equal(clean.status, 'error', 'state from before the restart is gone');

    await assert.rejects(runCell(fixture.kernel, 'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(1e6).fill(1));'), /heap|memory|SIGABRT|SIGKILL|exited/i);
    assert.equal(exits.length, 2);
    await fixture.kernel.restart();
    assert.equal((await runCell(fixture.kernel, '"alive"')).text, 'alive\n');
  });
});

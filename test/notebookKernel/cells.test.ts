import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ErrorOutput } from '../../kernel/src/notebookKernel/kernelProtocol';
import { runCell, startKernel, type KernelFixture } from './kernelFixture';

function errorsOf(run: { outputs: { kind: string }[] }): ErrorOutput[] {
  return run.outputs.filter((output): output is ErrorOutput => output.kind === 'error');
}

describe('notebook kernel: TypeScript cells', function () {
  let fixture: KernelFixture;
  before(async () => {
    fixture = await startKernel();
  });
  after(async () => fixture?.cleanup());

  it('keeps state across cells and prints the last expression', async () => {
    assert.equal((await runCell(fixture.kernel, 'const base: number = 40;\nlet label = "answer";')).status, 'ok');
    const run = await runCell(fixture.kernel, 'label + " " + (base + 2)');
    assert.equal(run.status, 'ok');
    assert.equal(run.text, 'answer 42\n');
  });

  it('reports a type error at its line in the cell, and runs nothing of the cell', async () => {
    const run = await runCell(fixture.kernel, 'console.log("not printed");\n\nconst count: number = "three";');
    assert.equal(run.status, 'error');
    assert.equal(run.text, '');
    const [error] = errorsOf(run);
    assert.equal(error?.name, 'TypeScriptError');
    assert.match(error!.message, /not assignable to type 'number'/);
    assert.deepEqual(error?.position, { line: 3, column: 7 });
  });

  it('reports a runtime error at its line in the cell, past blank lines and erased types', async () => {
    const code = ['const a: number = 1;', '', 'interface Shape { side: number }', 'const shape: Shape = { side: 2 };', '', 'function area(s: Shape): number {', '  return s.side * (null as unknown as { k: number }).k;', '}', 'area(shape);'].join('\n');
    const run = await runCell(fixture.kernel, code);
    assert.equal(run.status, 'error');
    const [error] = errorsOf(run);
    assert.equal(error?.name, 'TypeError');
    assert.equal(error?.position?.line, 7, JSON.stringify(error));
    assert.match(error!.stack!, /at area \(cell:7\)\n\s+at cell:9/);
    assert.doesNotMatch(error!.stack!, /kernelProcess|tslab|node:vm/);
  });

  it('awaits at the top level', async () => {
    const run = await runCell(fixture.kernel, 'const waited = await new Promise<string>((resolve) => setTimeout(() => resolve("later"), 50));\nwaited');
    assert.equal(run.status, 'ok');
    assert.equal(run.text, 'later\n');
  });

  it('keeps stdout, stderr and displays in the order written, batching bursts of writes', async () => {
    const code = [
      'import { display } from "video-batch-kernel";',
      'for (let i = 0; i < 500; i++) process.stdout.write(".");',
      'console.error("warned");',
      'display.markdown("**shown**");',
      'console.log("after");',
    ].join('\n');
    const run = await runCell(fixture.kernel, code);
    assert.equal(run.status, 'ok');
    const sequence = run.outputs.map((output) => (output.kind === 'stream' ? `${output.name}:${output.text.length}` : output.kind));
    assert.deepEqual(sequence, ['stdout:500', 'stderr:7', 'display', 'stdout:6']);
    const display = run.outputs[2];
    assert.equal(display?.kind === 'display' && display.data['text/markdown'], '**shown**');
  });

  it('imports Node built-ins and resolves relative paths in the notebook folder', async () => {
    await writeFile(path.join(fixture.notebookDir, 'note.txt'), 'beside the notebook');
    const run = await runCell(fixture.kernel, 'import { readFileSync } from "node:fs";\nreadFileSync("note.txt", "utf8")');
    assert.equal(run.status, 'ok', JSON.stringify(run.outputs));
    assert.equal(run.text, 'beside the notebook\n');
  });

  it('type-checks the library: misuse of processDataset fails at its line, the stats keys check', async () => {
    const misuse = await runCell(fixture.kernel, [
      'import { BatchVideoProcessor } from "video-batch-kernel";',
      'const processor = new BatchVideoProcessor({ numWorkers: 1 });',
      'async function go() {',
      '  const results = await processor.processDataset({ csvPath: "x.csv", videoColumn: "video_path" });',
      '  return results.stats.success_rate;',
      '}',
    ].join('\n'));
    assert.equal(misuse.status, 'error');
    const [error] = errorsOf(misuse);
    assert.equal(error?.position?.line, 4);
    assert.match(error!.message, /videoColumn/);
    const fine = await runCell(fixture.kernel, [
      'import { BatchVideoProcessor } from "video-batch-kernel";',
      'const typed = async (p: BatchVideoProcessor): Promise<number> => (await p.processDataset({ csvPath: "x.csv", videoCol: "v" })).stats.success_rate;',
      'typeof typed',
    ].join('\n'));
    assert.equal(fine.status, 'ok', JSON.stringify(fine.outputs));
  });

  it('completes and describes a variable defined in an earlier cell', async () => {
    await runCell(fixture.kernel, 'const videoCount = 12;');
    const completion = await fixture.kernel.complete('videoCo', 7);
    assert.ok(completion.candidates.includes('videoCount'), completion.candidates.join(','));
    assert.deepEqual([completion.start, completion.end], [0, 7]);
    const hover = await fixture.kernel.hover('videoCount.toFixed(1)', 2);
    assert.equal(hover?.signature, 'const videoCount: 12');
  });

  it('shows rich displays: updatable ones, frames as PNG, and tslab.display', async () => {
    const run = await runCell(fixture.kernel, [
      'import { newDisplay, display } from "video-batch-kernel";',
      'import * as tslab from "tslab";',
      'const counter = newDisplay();',
      'for (let i = 1; i <= 3; i++) counter.text(`step ${i}`);',
      'const pixels = new Uint8Array(4 * 2 * 3).fill(200);',
      'display.frames([{ index: 7, timestamp: 0.28, width: 4, height: 2, data: pixels }], { title: "mine" });',
      'tslab.display.html("<i>from tslab</i>");',
    ].join('\n'));
    assert.equal(run.status, 'ok', JSON.stringify(run.outputs));
    const [first, second, third, frames, html] = run.outputs;
    assert.ok(first?.kind === 'display' && first.displayId && first.data['text/plain'] === 'step 1');
    assert.deepEqual(second, { kind: 'updateDisplay', displayId: first.displayId, data: { 'text/plain': 'step 2' } });
    assert.deepEqual(third, { kind: 'updateDisplay', displayId: first.displayId, data: { 'text/plain': 'step 3' } });
    assert.ok(frames?.kind === 'display');
    const grid = frames.data['application/vnd.video-batch-kernel.keyframes+json'] as { videos: { id: string; frames: { index: number; src: string }[] }[] };
    assert.equal(grid.videos[0]?.id, 'mine');
    const png = Buffer.from(grid.videos[0]!.frames[0]!.src.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [4, 2]);
    assert.ok(html?.kind === 'display' && html.data['text/html'] === '<i>from tslab</i>');
  });
});

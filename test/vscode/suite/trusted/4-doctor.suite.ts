import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Doctor', () => {
  it('shows what this machine decodes with, from a real decode, in the output channel', async () => {
    const report = await vscode.commands.executeCommand<string>('videoBatchKernel.doctor');
    assert.match(report, /^Video Batch Kernel \d+\.\d+\.\d+: what this machine can decode with/);
    assert.match(report, /^ {2}Decoders +h264.*hevc.*vp9.*av1/m);
    assert.match(report, /^ {2}CPU decoding +works: \d+ frames of a generated H\.264 clip/m);
    assert.match(report, /^ {2}CUDA device 0 +(works|does not work: .+)$/m);
    assert.match(report, /^OK: videos decode on the CPU here\.$/m);
  });
});

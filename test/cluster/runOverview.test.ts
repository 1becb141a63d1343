import { strict as assert } from 'node:assert';
import { jobFolderOf } from '../../kernel/src/cluster/runOverview';
import { processingFingerprint } from '../../kernel/src/processor/processingFingerprint';
import { processingLabel } from '../../kernel/src/processor/processingLabel';
import { builtins } from '../../kernel/src/index';

describe('run overview', () => {
  it('tells the checkpoints of cluster jobs from those of one-machine runs', () => {
    assert.equal(jobFolderOf('/out/shard-00003-of-00008/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/chunks/chunk-000002/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/chunks/chunk-000002.work/videos.vbk-checkpoint.json'), '/out');
    assert.equal(jobFolderOf('/out/queue/job.json'), '/out');
    assert.equal(jobFolderOf('/data/videos.vbk-checkpoint.json'), undefined);
    assert.equal(jobFolderOf('/nb/analysis.vbk-checkpoint/videos.json'), undefined);
    assert.equal(jobFolderOf('/out/shard-00009-of-00008/videos.vbk-checkpoint.json'), undefined, 'no such shard');
  });

  it('names the processing function as a person reads it', () => {
    assert.equal(processingLabel(processingFingerprint(builtins.keyframes({ numFrames: 8, size: 160 }))), 'keyframes (numFrames: 8, size: 160)');
    assert.equal(processingLabel(processingFingerprint(builtins.metadata(), 'webdataset')), 'metadata, webdataset');
    assert.equal(processingLabel(processingFingerprint(async function countFrames() { return 1; })), 'countFrames()');
    assert.equal(processingLabel('something else'), 'something else');
  });
});

import * as path from 'node:path';
import { DEFAULT_FORM_FPS, type ProcessingPlan } from './processingPlan';
import { DEFAULT_ADAPTIVE_FRAMES } from '../../../kernel/src/processingDefaults';

interface NotebookCellJson {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: [];
}

/** The notebook-level metadata that makes VS Code prefer our TypeScript controller (and Jupyter pick tslab). */
export const TYPESCRIPT_NOTEBOOK_METADATA = {
  kernelspec: { display_name: 'Video Batch Kernel (TypeScript)', language: 'typescript', name: 'video-batch-kernel' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
};

const sourceLines = (text: string) => text.split('\n').map((line, index, lines) => (index < lines.length - 1 ? `${line}\n` : line));
const code = (text: string): NotebookCellJson => ({ cell_type: 'code', metadata: { vscode: { languageId: 'typescript' } }, source: sourceLines(text), execution_count: null, outputs: [] });
const markdown = (text: string): NotebookCellJson => ({ cell_type: 'markdown', metadata: {}, source: sourceLines(text) });
const literal = (value: string | number) => JSON.stringify(value);

/** A path as the notebook writes it: relative to the notebook's folder when inside it (cells run there). */
function notebookRelative(notebookDir: string, target: string): string {
  const relative = path.relative(notebookDir, target);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : target;
}

function processFnSource(plan: ProcessingPlan): string {
  switch (plan.processing) {
    case 'keyframes':
      return `builtins.keyframes({ numFrames: ${plan.numFrames}, size: ${plan.thumbnailSize} })`;
    case 'adaptive':
      return `builtins.adaptive({ minFrames: ${Math.min(DEFAULT_ADAPTIVE_FRAMES.minFrames, plan.numFrames)}, maxFrames: ${plan.numFrames}, size: ${plan.thumbnailSize} })`;
    case 'metadata':
      return 'builtins.metadata()';
    case 'fps':
      return `builtins.fps({ fps: ${plan.fps ?? DEFAULT_FORM_FPS}, size: ${plan.thumbnailSize} })`;
    case 'scenes':
      return `builtins.scenes({ size: ${plan.thumbnailSize} })`;
  }
}

const DESCRIPTIONS: Record<ProcessingPlan['processing'], (plan: ProcessingPlan) => string> = {
  keyframes: (plan) => `${plan.numFrames} evenly spaced keyframes per video, as ${plan.thumbnailSize} px JPEGs`,
  adaptive: (plan) => `up to ${plan.numFrames} frames per video, more for longer and busier videos, as ${plan.thumbnailSize} px JPEGs`,
  fps: (plan) => `the frame shown every ${1 / (plan.fps ?? DEFAULT_FORM_FPS)} s of every video, as ${plan.thumbnailSize} px JPEGs`,
  scenes: (plan) => `the shots of every video (hard cuts) and one keyframe per shot, as ${plan.thumbnailSize} px JPEGs`,
  metadata: () => 'the metadata of every video (duration, size, frame rate, frame count, codec)',
};

/** The .ipynb text of a notebook whose cells run the plan with the library, for the user to edit later. */
export function processingNotebook(plan: ProcessingPlan, notebookPath: string): string {
  const notebookDir = path.dirname(notebookPath);
  const csv = notebookRelative(notebookDir, plan.csvPath);
  const options = [
    `config: new DecoderConfig({ device: ${literal(plan.device)} })`,
    ...(plan.numWorkers ? [`numWorkers: ${plan.numWorkers}`] : []),
  ];
  const datasetOptions = [
    `csvPath: ${literal(csv)}`,
    `videoCol: ${literal(plan.videoCol)}`,
    ...(plan.idCol ? [`idCol: ${literal(plan.idCol)}`] : []),
    `processFn: ${processFnSource(plan)}`,
    ...(plan.outputDir ? [`outputDir: ${literal(notebookRelative(notebookDir, plan.outputDir))}`] : []),
  ];
  const cells = [
    markdown([
      `# Process \`${path.basename(plan.csvPath)}\``,
      '',
      `Extracts ${DESCRIPTIONS[plan.processing](plan)}, from the \`${plan.videoCol}\` column.`,
      'The run is checkpointed beside this notebook: after an interrupt or a crash, run the cells again',
      '(or click **Resume** in the status bar) and only the videos not done yet are processed.',
    ].join('\n')),
    code([
      `import { BatchVideoProcessor, DecoderConfig, builtins } from 'video-batch-kernel';`,
      '',
      'const processor = new BatchVideoProcessor({',
      ...options.map((option) => `  ${option},`),
      '});',
    ].join('\n')),
    code([
      'const results = await processor.processDataset({',
      ...datasetOptions.map((option) => `  ${option},`),
      '});',
    ].join('\n')),
    code('results.stats'),
  ];
  return `${JSON.stringify({ cells, metadata: TYPESCRIPT_NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

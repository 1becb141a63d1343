import { datasetSummary, readingSummary, type ProgressOutput, type RunState, type WorkerNow } from '../../kernel/src/display/notebookOutputs';
import { element, setText, syncChildren } from '../shared/dom';
import { formatDuration, formatRate } from '../shared/format';
import { ErrorKindsView } from './errorKindsView';
import { MachinesView } from './machinesView';

const STATE_LABELS: Record<RunState, string> = { running: 'Running', done: 'Done', interrupted: 'Interrupted', failed: 'Failed' };
const COUNTS = ['processed', 'failed', 'skipped'] as const;

/**
 * One progress display. Built once per output element and then only updated: the same nodes get new
 * text and widths, so a running display neither flickers nor jumps.
 */
export class ProgressView {
  readonly root = element('div', 'vbk-progress');
  private readonly state = element('span', 'vbk-state');
  private readonly done = element('span', 'vbk-done');
  private readonly counts = Object.fromEntries(COUNTS.map((name) => [name, element('span', `vbk-count vbk-count-${name}`)])) as Record<(typeof COUNTS)[number], HTMLSpanElement>;
  private readonly bar = element('div', 'vbk-bar');
  private readonly segments = Object.fromEntries(COUNTS.map((name) => [name, element('div', `vbk-segment vbk-segment-${name}`)])) as Record<(typeof COUNTS)[number], HTMLDivElement>;
  private readonly rate = element('span', 'vbk-rate');
  private readonly elapsed = element('span', 'vbk-elapsed');
  private readonly eta = element('span', 'vbk-eta');
  private readonly dataset = element('div', 'vbk-dataset');
  private readonly device = element('div', 'vbk-device');
  private readonly message = element('div', 'vbk-message');
  private readonly workers = element('ul', 'vbk-workers');
  private readonly machines = new MachinesView();
  private readonly errors = element('details', 'vbk-errors');
  private readonly errorsSummary = element('summary', 'vbk-errors-summary');
  private readonly errorKinds = new ErrorKindsView();

  constructor() {
    const head = element('div', 'vbk-head');
    head.append(this.state, this.done, ...COUNTS.map((name) => this.counts[name]));
    this.bar.setAttribute('role', 'progressbar');
    this.bar.setAttribute('aria-valuemin', '0');
    this.bar.append(...COUNTS.map((name) => this.segments[name]));
    const timing = element('div', 'vbk-timing');
    timing.append(this.rate, this.elapsed, this.eta);
    this.errors.append(this.errorsSummary, this.errorKinds.root);
    this.root.append(head, this.bar, timing, this.dataset, this.device, this.message, this.workers, this.machines.root, this.errors);
  }

  update(output: ProgressOutput): void {
    this.root.dataset.state = output.state;
    setText(this.state, STATE_LABELS[output.state]);
    const settled = output.processed + output.failed + output.skipped;
    setText(this.done, output.reading ? `Reading the CSV: ${readingSummary(output.reading)}` : `${settled} / ${output.total} videos`);
    for (const name of COUNTS) {
      setText(this.counts[name], `${output[name]} ${name}`);
      this.segments[name].style.width = `${output.total > 0 ? (100 * output[name]) / output.total : 0}%`;
    }
    this.bar.setAttribute('aria-valuemax', String(output.total));
    this.bar.setAttribute('aria-valuenow', String(settled));
    setText(this.rate, `${formatRate(output.videosPerSecond)} videos/s`);
    setText(this.elapsed, `Elapsed ${formatDuration(output.elapsedSeconds)}`);
    setText(this.eta, etaText(output));
    setText(this.dataset, output.dataset ? datasetSummary(output.dataset) : '');
    this.dataset.hidden = !output.dataset;
    setText(this.device, deviceText(output));
    setText(this.message, output.message ?? '');
    this.message.hidden = !output.message;
    // A queue job's decoding happens on the machines listed instead; there are no local workers.
    this.updateWorkers(output.state === 'running' && !output.machines ? output.workers : []);
    this.machines.update(output.machines, output.machinesNotListed ?? 0);
    this.updateErrors(output);
  }

  private updateWorkers(workers: WorkerNow[]): void {
    syncChildren(this.workers, workers.length, () => element('li', 'vbk-worker'));
    workers.forEach((worker, i) => {
      const item = this.workers.children[i] as HTMLLIElement;
      const on = worker.videoId === undefined ? 'idle' : `${worker.videoId}${worker.videoPath ? ` (${worker.videoPath})` : ''}`;
      setText(item, `Worker ${worker.workerId}: ${on}`);
      item.classList.toggle('vbk-idle', worker.videoId === undefined);
    });
    this.workers.hidden = workers.length === 0;
  }

  private updateErrors({ errors, errorsNotListed, errorsByKind }: ProgressOutput): void {
    const count = errors.length + errorsNotListed;
    setText(this.errorsSummary, `${count} ${count === 1 ? 'error' : 'errors'}${errorsNotListed > 0 ? ` (first ${errors.length} listed)` : ''}`);
    this.errors.hidden = count === 0;
    this.errorKinds.update(errors, errorsByKind);
  }
}

function etaText(output: ProgressOutput): string {
  if (output.state !== 'running') return '';
  return output.etaSeconds === null ? 'ETA —' : `ETA ${formatDuration(output.etaSeconds)}`;
}

function deviceText(output: ProgressOutput): string {
  const { device, fallbackReason } = output.device;
  const rates = (['gpu', 'cpu'] as const)
    .filter((name) => name === device || output.framesPerSecond[name] > 0)
    .map((name) => `${name.toUpperCase()} ${formatRate(output.framesPerSecond[name])} frames/s`)
    .join(' · ');
  const on = `Decoding on ${device.toUpperCase()}${fallbackReason ? ` (fell back: ${fallbackReason})` : ''}`;
  return `${on} · ${rates}`;
}

import * as vscode from 'vscode';
import type { NotebookSessions } from '../notebook/notebookSessions';
import { notebookFilePath } from '../notebook/notebookPath';
import { unfinishedJobsOf, type CheckpointProgress } from './checkpointProgress';

/** File events come in bursts (journal appends, manifest rewrites): one refresh per burst. */
const REFRESH_DELAY_MS = 300;

export const REVEAL_JOB_CELL_COMMAND = 'videoBatchKernel.revealJobCell';

/**
 * The status bar item of the active notebook's processing: while a run goes on, its progress
 * (a click reveals the cell); otherwise an unfinished job found in the checkpoint files beside the
 * notebook — so it survives a reload or a crash of VS Code — as "Resume 480/1000 videos".
 */
export class JobStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('videoBatchKernel.job', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private refreshTimer?: NodeJS.Timeout;
  private refreshing = Promise.resolve();
  /** What the item offers to resume now, for the resume command. */
  resumable?: { notebook: vscode.NotebookDocument; job: CheckpointProgress };

  constructor(private readonly notebooks: NotebookSessions) {
    this.item.name = 'Video Batch Kernel: processing';
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.vbk-checkpoint/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.scheduleRefresh()),
      watcher.onDidChange(() => this.scheduleRefresh()),
      watcher.onDidDelete(() => this.scheduleRefresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.scheduleRefresh()),
      notebooks.onDidChangeJob(() => this.scheduleRefresh()),
      vscode.commands.registerCommand(REVEAL_JOB_CELL_COMMAND, () => this.revealJobCell()),
    );
    this.scheduleRefresh();
  }

  /** Recomputes the item now (tests and the resume command want the current state, not the next burst's). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.update(), () => this.update());
    return this.refreshing;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private async update(): Promise<void> {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    this.resumable = undefined;
    if (!notebook) {
      this.item.hide();
      return;
    }
    const running = this.notebooks.sessionOf(notebook)?.job;
    if (running && running.report.phase !== 'finished') {
      const { processed, failed, skipped, total, etaSeconds } = running.report.progress;
      this.item.text = `$(sync~spin) ${processed + failed + skipped}/${total} videos`;
      this.item.tooltip = `Processing ${running.report.csvPath}${etaSeconds !== null ? `, about ${Math.round(etaSeconds)} s left` : ''}. Click to show the cell.`;
      this.item.command = REVEAL_JOB_CELL_COMMAND;
      this.item.show();
      return;
    }
    const [job] = await unfinishedJobsOf(notebookFilePath(notebook));
    if (!job || vscode.window.activeNotebookEditor?.notebook !== notebook) {
      if (!job) this.item.hide();
      return;
    }
    this.resumable = { notebook, job };
    this.item.text = `$(debug-continue) Resume ${job.settled}/${job.total} videos`;
    this.item.tooltip = `An unfinished job of this notebook (checkpoint ${job.checkpointPath}). Click to run the notebook up to its processing cell again: only the videos not done yet are processed.`;
    this.item.command = 'videoBatchKernel.resume';
    this.item.show();
  }

  private async revealJobCell(): Promise<void> {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const cell = notebook && this.notebooks.sessionOf(notebook)?.job?.cell;
    if (!cell) return;
    const editor = await vscode.window.showNotebookDocument(cell.notebook);
    const range = new vscode.NotebookRange(cell.index, cell.index + 1);
    editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    editor.selections = [range];
  }
}

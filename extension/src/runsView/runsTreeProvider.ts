import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { errorText } from '../../../kernel/src/errorText';
import { notebookOfCheckpoint } from '../../../kernel/src/checkpoint/notebookCheckpoints';
import { checkpointOverview, jobFolderOf, jobOverview } from '../../../kernel/src/cluster/runOverview';
import { partTreeItem, runTreeItem, type PartNode, type RunNode, type RunsViewNode } from './runNodes';

export const RUNS_VIEW_ID = 'videoBatchKernel.runs';

/**
 * The files that make a run: a CSV run's `<csv>.vbk-checkpoint.json` (also inside shard and chunk
 * folders), a notebook's `<notebook>.vbk-checkpoint/<csv>.json`, a queue job's `queue/job.json`.
 */
const RUN_FILES = '{**/*.vbk-checkpoint.json,**/*.vbk-checkpoint/*.json,**/queue/job.json}';
/** Checkpoint files change in bursts (a journal line a video, a manifest every few): at most one refresh per interval. */
const REFRESH_INTERVAL_MS = 500;

/**
 * The "Video Batch Runs" view: every run in the workspace, live. A scan costs one search of the
 * workspace's file names (`findFiles`, node_modules left out; on a large tree, well under a second)
 * plus, per run, its manifest and, for a stopped unfinished one, one pass over its journal (exact
 * counts; a running one's come from its manifest). File events re-read only the runs they touch,
 * at most every REFRESH_INTERVAL_MS; a checkpoint created or deleted starts a new scan.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private runs = new Map<string, RunNode>();
  private readonly dirty = new Set<string>();
  private rescanNeeded = true;
  private timer?: NodeJS.Timeout;
  private updating: Promise<void> = Promise.resolve();

  constructor() {
    for (const pattern of ['**/*.vbk-checkpoint.json*', '**/*.vbk-checkpoint/*.json*', '**/queue/job.json']) {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => this.noteChange(uri)),
        watcher.onDidChange((uri) => this.noteChange(uri)),
        watcher.onDidDelete((uri) => this.noteChange(uri)),
      );
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.noteChange(undefined)));
  }

  /** Every run, as the view lists them (tests read the view through this). */
  get nodes(): RunNode[] {
    return [...this.runs.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Scans the workspace again now and re-reads every run (the view's refresh button; tests). */
  refresh(): Promise<void> {
    this.rescanNeeded = true;
    return this.update();
  }

  /** Re-reads one run now, after a command changed it. */
  reread(path: string): Promise<void> {
    this.dirty.add(jobFolderOf(path) ?? path);
    return this.update();
  }

  getTreeItem(node: RunsViewNode): vscode.TreeItem {
    return node.type === 'run' ? runTreeItem(node) : partTreeItem(node);
  }

  async getChildren(node?: RunsViewNode): Promise<RunsViewNode[]> {
    if (!node) {
      await this.updating;
      if (this.rescanNeeded) await this.update();
      return this.nodes;
    }
    if (node.type === 'part') return [];
    return (node.overview?.parts ?? []).map((part): PartNode => ({ type: 'part', job: node, part, ...(part.checkpointPath ? { checkpointPath: part.checkpointPath } : {}) }));
  }

  getParent(node: RunsViewNode): RunsViewNode | undefined {
    return node.type === 'part' ? node.job : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private noteChange(uri: vscode.Uri | undefined): void {
    // An atomic write's temporary comes and goes; the rename that follows is the change.
    if (uri?.fsPath.endsWith('.tmp')) return;
    const file = uri?.fsPath.replace(/\.(journal|lock)$/, '');
    const key = file && (jobFolderOf(file) ?? file);
    // A run not listed yet, or gone: the list itself changes.
    if (!key || !this.runs.has(key) || !existsSync(key)) this.rescanNeeded = true;
    else this.dirty.add(key);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, REFRESH_INTERVAL_MS);
  }

  private update(): Promise<void> {
    const run = async () => {
      if (this.rescanNeeded) {
        this.rescanNeeded = false;
        this.dirty.clear();
        const keys = await findRunKeys();
        this.runs = new Map(await Promise.all(keys.map(async (key) => [key, await readRun(key)] as const)));
      } else {
        const keys = [...this.dirty].filter((key) => this.runs.has(key));
        this.dirty.clear();
        for (const key of keys) this.runs.set(key, await readRun(key));
      }
      this.changed.fire(undefined);
    };
    this.updating = this.updating.then(run, run);
    return this.updating;
  }
}

/** The runs in the workspace, each once: a checkpoint's path, or a cluster job's output folder. */
async function findRunKeys(): Promise<string[]> {
  const files = await vscode.workspace.findFiles(RUN_FILES, '**/node_modules/**');
  return [...new Set(files.map((uri) => jobFolderOf(uri.fsPath) ?? uri.fsPath))];
}

async function readRun(key: string): Promise<RunNode> {
  const isJob = !key.endsWith('.json');
  try {
    const overview = isJob ? await jobOverview(key) : await checkpointOverview(key);
    const notebook = isJob ? undefined : notebookOfCheckpoint(key);
    return { type: 'run', path: key, overview, ...(isJob ? {} : { checkpointPath: key }), ...(notebook && existsSync(notebook) ? { notebookPath: notebook } : {}) };
  } catch (error) {
    return { type: 'run', path: key, error: errorText(error) };
  }
}

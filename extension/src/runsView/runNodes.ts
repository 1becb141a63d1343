import * as vscode from 'vscode';
import type { PartOverview, RunOverview } from '../../../kernel/src/cluster/runOverview';
import type { PartState } from '../../../kernel/src/cluster/jobStatus';
import { runContextValue } from './runContext';
import { failureKindsText } from '../../../kernel/src/stats/failureKinds';

/** A top-level item: one checkpoint of a one-machine run, or one cluster job; `error` when it cannot be read. */
export interface RunNode {
  type: 'run';
  /** The checkpoint, or the job's output folder: what identifies the item. */
  path: string;
  /** The checkpoint the item's commands act on (none for a cluster job, whose parts each have one). */
  checkpointPath?: string;
  overview?: RunOverview;
  error?: string;
  /** The notebook that made the checkpoint, when it exists: resuming re-runs its cells. */
  notebookPath?: string;
}

/** A part (shard or queue chunk) of a cluster job. */
export interface PartNode {
  type: 'part';
  job: RunNode;
  part: PartOverview;
  checkpointPath?: string;
}

export type RunsViewNode = RunNode | PartNode;

const STATE_LABELS: Record<PartState, string> = { complete: 'complete', running: 'running', interrupted: 'interrupted', not_started: 'not started' };

function stateIcon(state: PartState, failed: number): vscode.ThemeIcon {
  switch (state) {
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'complete':
      return failed > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'interrupted':
      return new vscode.ThemeIcon('debug-pause');
    case 'not_started':
      return new vscode.ThemeIcon('circle-outline');
  }
}

/** The file name of a path, either separator. */
const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** `3/8`: rows with an outcome of the rows covered. */
function doneOfTotal(counts: { processed: number; failed: number; skipped: number }, total: number): string {
  return `${counts.processed + counts.failed + counts.skipped}/${total}`;
}

function contextOf(node: RunsViewNode): string {
  const overview = node.type === 'run' ? node.overview : undefined;
  return runContextValue({
    item: node.type === 'part' ? 'part' : overview?.kind === 'job' ? 'job' : 'run',
    state: node.type === 'run' ? overview?.state : node.part.state,
    failed: node.type === 'run' ? (overview?.dataset.failed ?? 0) : node.part.failed,
    hasCheckpoint: node.checkpointPath !== undefined,
    hasNotebook: node.type === 'run' && node.notebookPath !== undefined,
    hasResults: overview?.resultsDir !== undefined,
  });
}

function runTooltip(node: RunNode, overview: RunOverview): vscode.MarkdownString {
  const { dataset } = overview;
  const lines = [
    `**${overview.csvPath ?? baseName(node.path)}**`,
    '',
    `Processing: ${overview.processing ?? 'unknown'}`,
    `State: ${STATE_LABELS[overview.state]}`,
    `Processed ${dataset.processed}, failed ${dataset.failed}, skipped ${dataset.skipped}, pending ${dataset.pending} of ${dataset.total_videos}`,
    ...(overview.failureKinds ? [`Failures: ${failureKindsText(overview.failureKinds)}`] : []),
    `${overview.kind === 'job' ? 'Job folder' : 'Checkpoint'}: ${node.path}`,
  ];
  if (node.notebookPath) lines.push(`Notebook: ${node.notebookPath}`);
  const markdown = new vscode.MarkdownString(lines.join('  \n'));
  markdown.supportThemeIcons = false;
  return markdown;
}

export function runTreeItem(node: RunNode): vscode.TreeItem {
  const { overview } = node;
  if (!overview) {
    const item = new vscode.TreeItem(baseName(node.path));
    item.description = 'unreadable';
    item.tooltip = node.error;
    item.iconPath = new vscode.ThemeIcon('error');
    return item;
  }
  const label = overview.csvPath ? baseName(overview.csvPath) : baseName(node.path);
  const where = node.notebookPath ? baseName(node.notebookPath) : overview.kind === 'job' ? `${baseName(node.path)}/, ${overview.parts?.length ?? 0} parts` : undefined;
  const item = new vscode.TreeItem(label, overview.kind === 'job' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.path;
  item.description = [doneOfTotal(overview.dataset, overview.dataset.total_videos), STATE_LABELS[overview.state], where].filter(Boolean).join(' · ');
  item.tooltip = runTooltip(node, overview);
  item.iconPath = stateIcon(overview.state, overview.dataset.failed);
  item.contextValue = contextOf(node);
  return item;
}

export function partTreeItem(node: PartNode): vscode.TreeItem {
  const { part } = node;
  const item = new vscode.TreeItem(part.name);
  item.id = `${node.job.path}#${part.name}`;
  const total = part.rows ?? 0;
  item.description = `${doneOfTotal(part, total)} · ${STATE_LABELS[part.state]}${part.host ? ` · ${part.host}` : ''}`;
  const pending = Math.max(0, total - part.processed - part.failed - part.skipped);
  item.tooltip = `${part.folder}\nProcessed ${part.processed}, failed ${part.failed}, skipped ${part.skipped}, pending ${pending} of ${total}`;
  item.iconPath = stateIcon(part.state, part.failed);
  item.contextValue = contextOf(node);
  return item;
}

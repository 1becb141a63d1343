import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KernelExit } from '../../../kernel/src/notebookKernel/kernelSession';
import { NotebookSession } from './notebookSession';
import { isTypeScriptNotebook } from './notebookAffinity';

export const CONTROLLER_ID = 'video-batch-kernel';
export const NOTEBOOK_TYPE = 'jupyter-notebook';

/**
 * The "Video Batch Kernel" notebook controller: one NotebookSession (kernel process and cell
 * queue) per notebook, made on its first run and ended when the notebook closes. It prefers
 * itself for notebooks written in TypeScript. In an untrusted workspace it runs nothing.
 */
export class NotebookSessions implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly sessions = new Map<vscode.NotebookDocument, NotebookSession>();
  private readonly jobChanged = new vscode.EventEmitter<NotebookSession>();
  /** A session's processing run started, progressed or finished. */
  readonly onDidChangeJob = this.jobChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Video Batch Kernel (TypeScript)');
    this.controller.supportedLanguages = ['typescript'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TypeScript cells with the video-batch-kernel library';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.sessions.get(notebook)?.interrupt();
    this.disposables.push(
      this.controller,
      this.jobChanged,
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.preferFor(notebook)),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.endSession(notebook)),
    );
    for (const notebook of vscode.workspace.notebookDocuments) this.preferFor(notebook);
  }

  sessionOf(notebook: vscode.NotebookDocument): NotebookSession | undefined {
    return this.sessions.get(notebook);
  }

  get allSessions(): readonly NotebookSession[] {
    return [...this.sessions.values()];
  }

  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.session(notebook).restart();
    this.log.info(`${path.basename(notebook.uri.path)}: kernel restarted`);
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private preferFor(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType === NOTEBOOK_TYPE && isTypeScriptNotebook(notebook)) {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private session(notebook: vscode.NotebookDocument): NotebookSession {
    let session = this.sessions.get(notebook);
    if (!session) {
      session = new NotebookSession(notebook, this.controller, this.log, {
        onKernelDied: (died, exit) => this.reportDeath(died, exit),
        onJobChanged: (changed) => this.jobChanged.fire(changed),
      });
      this.sessions.set(notebook, session);
    }
    return session;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      await this.refuseUntrusted(cells);
      return;
    }
    await this.session(notebook).execute(cells);
  }

  /** Cells are code and settings name programs: nothing starts before the user trusts the folder. */
  private async refuseUntrusted(cells: readonly vscode.NotebookCell[]): Promise<void> {
    const message = 'This workspace is not trusted, so Video Batch Kernel runs no cell and starts no decoder. Trust the workspace to run the notebook.';
    for (const cell of cells) {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.start(Date.now());
      await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'WorkspaceNotTrusted', message, stack: '' })]));
      execution.end(false, Date.now());
    }
    this.log.warn(`refused to run ${cells.length} cell(s): the workspace is not trusted`);
    // Not awaited: the cells end now, whenever (if ever) the user answers.
    const manage = 'Manage Workspace Trust';
    void vscode.window.showWarningMessage(message, manage).then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  }

  private async reportDeath(session: NotebookSession, exit: KernelExit): Promise<void> {
    const restart = 'Restart Kernel';
    const name = path.basename(session.notebook.uri.path);
    const choice = await vscode.window.showErrorMessage(`The kernel of ${name} died. ${exit.reason.split('\n')[0]}`, restart);
    if (choice === restart) await this.restart(session.notebook);
  }

  private endSession(notebook: vscode.NotebookDocument): void {
    this.sessions.get(notebook)?.dispose();
    this.sessions.delete(notebook);
  }
}

import * as vscode from 'vscode';
import type { NotebookSessions } from './notebookSessions';
import { NOTEBOOK_TYPE } from './notebookSessions';
import type { NotebookSession } from './notebookSession';

/** TypeScript cells of Jupyter notebooks; other TypeScript files keep VS Code's own language service. */
const CELLS: vscode.DocumentSelector = { notebookType: NOTEBOOK_TYPE, language: 'typescript' };

function sessionOfCell(notebooks: NotebookSessions, document: vscode.TextDocument): NotebookSession | undefined {
  const notebook = vscode.workspace.notebookDocuments.find((candidate) => candidate.getCells().some((cell) => cell.document === document));
  return notebook && notebooks.sessionOf(notebook);
}

/**
 * Completions and hovers from the running kernel's type checker, which knows what earlier cells
 * declared. Before the first run there is no kernel, and VS Code's own providers answer alone.
 */
export function registerKernelLanguageFeatures(notebooks: NotebookSessions): vscode.Disposable {
  const completions = vscode.languages.registerCompletionItemProvider(CELLS, {
    async provideCompletionItems(document, position) {
      const offset = document.offsetAt(position);
      const result = await sessionOfCell(notebooks, document)?.complete(document.getText(), offset);
      if (!result) return undefined;
      const range = new vscode.Range(document.positionAt(result.start), document.positionAt(result.end));
      return result.candidates.map((candidate) => Object.assign(new vscode.CompletionItem(candidate), { range }));
    },
  }, '.');
  const hovers = vscode.languages.registerHoverProvider(CELLS, {
    async provideHover(document, position) {
      const hover = await sessionOfCell(notebooks, document)?.hover(document.getText(), document.offsetAt(position));
      if (!hover) return undefined;
      const contents = new vscode.MarkdownString().appendCodeblock(hover.signature, 'typescript');
      if (hover.documentation) contents.appendMarkdown(`\n\n${hover.documentation}`);
      return new vscode.Hover(contents, new vscode.Range(document.positionAt(hover.start), document.positionAt(hover.end)));
    },
  });
  return vscode.Disposable.from(completions, hovers);
}

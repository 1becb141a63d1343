import type * as vscode from 'vscode';

interface IpynbMetadata {
  kernelspec?: { language?: string; name?: string };
  language_info?: { name?: string };
}

/**
 * A notebook written for a TypeScript kernel: its kernelspec or language_info says TypeScript (as
 * tslab's and our generated notebooks do). VS Code's ipynb support keeps the file's top-level
 * metadata under `metadata` (older versions: `metadata.custom.metadata`).
 */
export function isTypeScriptNotebook(notebook: vscode.NotebookDocument): boolean {
  const raw = notebook.metadata as { metadata?: IpynbMetadata; custom?: { metadata?: IpynbMetadata } };
  const metadata = raw.metadata ?? raw.custom?.metadata ?? {};
  const languages = [metadata.kernelspec?.language, metadata.kernelspec?.name, metadata.language_info?.name];
  return languages.some((language) => /^(typescript|tslab)$/i.test(language ?? ''));
}

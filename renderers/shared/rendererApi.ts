/**
 * The part of VS Code's notebook renderer API (vscode-notebook-renderer) these renderers use.
 * Messaging is optional: it exists only while a kernel is connected.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  json(): unknown;
}

export interface Disposable {
  dispose(): void;
}

export interface RendererContext {
  postMessage?(message: unknown): void;
  onDidReceiveMessage?(listener: (message: unknown) => void): Disposable;
}

export interface OutputRenderer {
  renderOutputItem(item: OutputItem, element: HTMLElement): void;
  disposeOutputItem?(id?: string): void;
}

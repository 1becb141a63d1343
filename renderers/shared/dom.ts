/**
 * Element creation for the renderers. Text only ever goes in through textContent, so file names
 * and error messages are never parsed as HTML.
 */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

/** Sets text only when it changed, so an update in place touches no more of the page than needed. */
export function setText(target: HTMLElement, text: string): void {
  if (target.textContent !== text) target.textContent = text;
}

/** Adds a renderer's style sheet to the document once. */
export function ensureStyle(id: string, css: string): void {
  if (document.getElementById(id)) return;
  const style = element('style');
  style.id = id;
  style.textContent = css;
  document.head.appendChild(style);
}

/** Adds or removes trailing children until there are `count`; the ones kept are reused. */
export function syncChildren(parent: HTMLElement, count: number, create: () => HTMLElement): void {
  while (parent.children.length > count) parent.lastElementChild!.remove();
  while (parent.children.length < count) parent.appendChild(create());
}

/** Colours come from VS Code's theme variables, so light, dark and high-contrast themes all apply. */
export const KEYFRAMES_CSS = `
.vbk-keyframes { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground); }
.vbk-toolbar { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; margin: 4px 0 8px; }
.vbk-filters, .vbk-pager { display: flex; gap: 8px; align-items: center; }
.vbk-pager.vbk-single-page button, .vbk-pager.vbk-single-page .vbk-page-jump { display: none; }
.vbk-status, .vbk-search, .vbk-page-input { font: inherit; color: var(--vscode-input-foreground, var(--vscode-foreground)); background: var(--vscode-input-background, var(--vscode-editor-background)); border: 1px solid var(--vscode-input-border, var(--vscode-editorWidget-border, rgba(128,128,128,0.5))); border-radius: 2px; padding: 2px 4px; }
.vbk-search { width: 16em; }
.vbk-page-input { width: 4.5em; }
.vbk-status:focus-visible, .vbk-search:focus-visible, .vbk-page-input:focus-visible, .vbk-pager button:focus-visible, .vbk-enlarged-close:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.vbk-pager button, .vbk-enlarged-close { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 10px; cursor: pointer; }
.vbk-pager button:disabled { opacity: 0.5; cursor: default; }
.vbk-page-position, .vbk-page-jump, .vbk-video-path, .vbk-video-count, .vbk-time, .vbk-notice { color: var(--vscode-descriptionForeground); }
.vbk-video { padding: 6px 0; border-top: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, rgba(128,128,128,0.35))); }
.vbk-video-head { display: flex; gap: 10px; align-items: baseline; margin-bottom: 4px; }
.vbk-video-id { font-weight: 600; }
.vbk-video-path { word-break: break-all; }
.vbk-video-status { color: var(--vscode-errorForeground); white-space: nowrap; }
.vbk-video-skipped .vbk-video-status { color: var(--vscode-descriptionForeground); }
.vbk-video-error { font-family: var(--vscode-editor-font-family, monospace); white-space: pre-wrap; word-break: break-word; color: var(--vscode-errorForeground); }
.vbk-strip { display: flex; gap: 6px; overflow-x: auto; }
.vbk-thumb { display: flex; flex-direction: column; align-items: center; gap: 2px; padding: 2px; font: inherit; font-size: 0.9em; color: inherit; background: transparent; border: 1px solid transparent; border-radius: 2px; cursor: zoom-in; }
.vbk-thumb:hover, .vbk-thumb:focus-visible { border-color: var(--vscode-focusBorder); outline: none; }
.vbk-thumb-image { height: 72px; width: auto; display: block; background: var(--vscode-editorWidget-background); }
.vbk-thumb-missing { height: 72px; display: flex; align-items: center; }
.vbk-enlarged { margin: 4px 0 8px; padding: 8px; display: inline-flex; flex-direction: column; gap: 6px; background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, transparent)); }
.vbk-enlarged[hidden] { display: none; }
.vbk-enlarged-image { width: min(480px, 100%); height: auto; image-rendering: auto; }
.vbk-enlarged-close { align-self: flex-start; }
`;

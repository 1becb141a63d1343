/** Colours come from VS Code's theme variables, so light, dark and high-contrast themes all apply. */
export const PROGRESS_CSS = `
.vbk-progress { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground); padding: 4px 0; font-variant-numeric: tabular-nums; }
.vbk-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.vbk-state { font-weight: 600; padding: 0 6px; border-radius: 3px; color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); border: 1px solid var(--vscode-contrastBorder, transparent); }
.vbk-progress[data-state="done"] .vbk-state { background: var(--vscode-testing-iconPassed, #388a34); color: var(--vscode-editor-background); }
.vbk-progress[data-state="interrupted"] .vbk-state { background: var(--vscode-editorWarning-foreground, #bf8803); color: var(--vscode-editor-background); }
.vbk-progress[data-state="failed"] .vbk-state { background: var(--vscode-errorForeground, #f14c4c); color: var(--vscode-editor-background); }
.vbk-done { font-weight: 600; }
.vbk-count-failed { color: var(--vscode-errorForeground); }
.vbk-count-skipped, .vbk-timing, .vbk-dataset, .vbk-device, .vbk-worker, .vbk-error-path { color: var(--vscode-descriptionForeground); }
.vbk-bar { display: flex; height: 8px; margin: 6px 0; max-width: 640px; background: var(--vscode-editorWidget-background, rgba(128,128,128,0.2)); border: 1px solid var(--vscode-contrastBorder, transparent); border-radius: 2px; overflow: hidden; }
.vbk-segment { height: 100%; transition: width 0.2s linear; }
.vbk-segment-processed { background: var(--vscode-progressBar-background); }
.vbk-segment-failed { background: var(--vscode-errorForeground); }
.vbk-segment-skipped { background: var(--vscode-descriptionForeground); opacity: 0.5; }
.vbk-timing { display: flex; gap: 16px; }
.vbk-timing > span { min-width: 7em; }
.vbk-workers { list-style: none; margin: 4px 0; padding: 0; }
.vbk-worker.vbk-idle { opacity: 0.6; }
.vbk-machines { margin: 4px 0; }
.vbk-machines-summary { cursor: pointer; }
.vbk-machine-table { border-collapse: collapse; margin: 2px 0 0 1em; }
.vbk-machine-table th, .vbk-machine-table td { padding: 1px 16px 1px 0; text-align: right; white-space: nowrap; }
.vbk-machine-table thead th { font-weight: normal; color: var(--vscode-descriptionForeground); border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, rgba(128,128,128,0.35))); }
.vbk-machine-table .vbk-machine-host { text-align: left; font-weight: normal; max-width: 32em; overflow: hidden; text-overflow: ellipsis; }
.vbk-progress[data-state="running"] .vbk-machine.vbk-idle { opacity: 0.6; }
.vbk-progress:not([data-state="running"]) .vbk-machine-active { display: none; }
.vbk-message { color: var(--vscode-errorForeground); margin: 4px 0; }
.vbk-errors { margin-top: 4px; }
.vbk-errors-summary { cursor: pointer; color: var(--vscode-errorForeground); }
.vbk-error-kind { margin: 2px 0 0 1em; }
.vbk-error-kind-summary { cursor: pointer; }
.vbk-error-list { margin: 4px 0; padding-left: 2em; }
.vbk-error-id { font-weight: 600; margin-right: 8px; }
.vbk-error-path { word-break: break-all; }
.vbk-error-text { font-family: var(--vscode-editor-font-family, monospace); white-space: pre-wrap; word-break: break-word; }
`;

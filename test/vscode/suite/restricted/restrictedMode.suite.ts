import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cellsEnded, extensionApi, openWithController, WORKSPACE } from '../notebookHelpers';

/** The MIME type of NotebookCellOutputItem.error. */
const ERROR_MIME = 'application/vnd.code.notebook.error';

describe('restricted mode (untrusted workspace)', () => {
  it('refuses every cell with the reason, and starts no kernel', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await extensionApi();
    const notebook = await openWithController(path.join(WORKSPACE, 'sample.ipynb'));
    // VS Code itself asks for trust before it hands cells to a controller; the controller refuses on
    // its own as well, which is what this checks: its handler settles once every cell has ended.
    const codeCells = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
    await api.notebooks.controller.executeHandler(codeCells, notebook, api.notebooks.controller);
    assert.ok(codeCells.length > 0);
    // The cells' summaries reach this side of the editor a moment after the executions end.
    await cellsEnded(notebook, 0, notebook.cellCount, 30_000);
    for (const cell of codeCells) {
      assert.equal(cell.executionSummary?.success, false, `cell ${cell.index + 1} ended as refused`);
      const error = cell.outputs.flatMap((output) => output.items).find((item) => item.mime === ERROR_MIME);
      assert.ok(error, `cell ${cell.index + 1} says why`);
      assert.equal((JSON.parse(new TextDecoder().decode(error.data)) as { name: string }).name, 'WorkspaceNotTrusted');
    }
    assert.equal(api.notebooks.sessionOf(notebook), undefined, 'no kernel session');
    assert.equal(existsSync(path.join(WORKSPACE, 'sample.vbk-checkpoint')), false, 'nothing processed');
  });
});

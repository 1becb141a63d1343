import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, openWithController, runCells, WORKSPACE } from '../notebookHelpers';

describe('restricted mode (untrusted workspace)', () => {
  it('runs no cell and starts no kernel', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await extensionApi();
    const notebook = await openWithController(path.join(WORKSPACE, 'sample.ipynb'));
    // VS Code asks for trust before it hands cells to any controller (the test run refuses the
    // dialog); the controller refuses on its own as well, so either way nothing may run.
    await Promise.race([Promise.resolve(runCells(notebook, 0, notebook.cellCount)).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
    await api.kernels.controller.executeHandler(notebook.getCells(), notebook, api.kernels.controller);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const cell of notebook.getCells()) assert.notEqual(cell.executionSummary?.success, true, `cell ${cell.index + 1} ran`);
    assert.equal(api.kernels.sessionOf(notebook), undefined, 'no kernel session');
    assert.equal(existsSync(path.join(WORKSPACE, 'sample.vbk-checkpoint')), false, 'nothing processed');
  });
});

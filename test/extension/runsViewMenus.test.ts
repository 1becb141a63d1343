import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runContextValue, type RunContextFacts } from '../../extension/src/runsView/runContext';

interface MenuItem {
  command: string;
  when: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { commands: { command: string; icon?: string }[]; menus: Record<string, MenuItem[]> };
};
const itemMenus = manifest.contributes.menus['view/item/context'] ?? [];

/** The commands package.json offers on an item with these facts (the `viewItem =~ /…/` clauses, evaluated as VS Code does). */
function offered(facts: RunContextFacts): string[] {
  const contextValue = runContextValue(facts);
  const matching = itemMenus.filter((menu) => {
    const pattern = /viewItem =~ \/(.+)\/$/.exec(menu.when)?.[1];
    assert.ok(pattern, `${menu.command}: its when clause names no viewItem pattern: ${menu.when}`);
    return new RegExp(pattern).test(contextValue);
  });
  return [...new Set(matching.map((menu) => menu.command.replace('videoBatchKernel.', '')))].sort();
}

const run: RunContextFacts = { item: 'run', state: 'complete', failed: 0, hasCheckpoint: true, hasNotebook: false, hasResults: true };

describe('the runs view menus in package.json', () => {
  it('offer each item the commands its state allows', () => {
    assert.deepEqual(offered(run), ['deleteCheckpoint', 'openResults', 'revealOutputs']);
    assert.deepEqual(offered({ ...run, failed: 2, hasNotebook: true }), ['deleteCheckpoint', 'exportFailures', 'openResults', 'retryFailed', 'revealOutputs']);
    assert.deepEqual(offered({ ...run, state: 'interrupted', hasNotebook: true, hasResults: false }), ['deleteCheckpoint', 'resume', 'revealOutputs']);
    assert.deepEqual(offered({ ...run, state: 'running', failed: 1 }), ['exportFailures', 'openResults', 'revealOutputs'], 'nothing that writes the checkpoint while it runs');
    assert.deepEqual(offered({ item: 'job', state: 'interrupted', failed: 1, hasCheckpoint: false, hasNotebook: false, hasResults: false }), ['revealOutputs']);
    assert.deepEqual(offered({ item: 'part', state: 'complete', failed: 1, hasCheckpoint: true, hasNotebook: false, hasResults: false }), ['deleteCheckpoint', 'exportFailures', 'retryFailed']);
  });

  it('name only contributed commands, each with an icon', () => {
    const contributed = new Map(manifest.contributes.commands.map((command) => [command.command, command]));
    for (const menu of [...itemMenus, ...(manifest.contributes.menus['view/title'] ?? [])]) {
      assert.ok(contributed.get(menu.command)?.icon, `${menu.command} is contributed with an icon`);
      assert.match(menu.when, /^view == videoBatchKernel\.runs\b/);
    }
  });
});

import { machinesSummary, type MachineNow } from '../../kernel/src/display/notebookOutputs';
import { element, setText, syncChildren } from '../shared/dom';
import { formatRate } from '../shared/format';

/** The table's columns: heading and class, in the order of a row's cells. */
const COLUMNS = [
  ['Machine', 'vbk-machine-host'],
  ['Videos/s', 'vbk-machine-rate'],
  ['Videos done', 'vbk-machine-done'],
  ['Decoding / workers', 'vbk-machine-active'],
] as const;

/**
 * The machines of a queue job, one table row each, under a summary that folds it like the error
 * list. Rows are reused from one update to the next, as in the rest of the progress display.
 */
export class MachinesView {
  readonly root = element('details', 'vbk-machines');
  private readonly summary = element('summary', 'vbk-machines-summary');
  private readonly table = element('table', 'vbk-machine-table');
  private readonly rows = element('tbody');

  constructor() {
    // Open at first, as the worker list it stands in for is; set once, so a user who folds it keeps it folded while updates come.
    this.root.open = true;
    const head = element('tr');
    head.append(...COLUMNS.map(([label, className]) => headerCell('col', className, label)));
    const thead = element('thead');
    thead.append(head);
    this.table.append(thead, this.rows);
    this.root.append(this.summary, this.table);
  }

  /** `machines` absent: a run on one machine, or an output saved before machines were shown. */
  update(machines: MachineNow[] | undefined, notListed: number): void {
    this.root.hidden = !machines;
    const listed = machines ?? [];
    setText(this.summary, machinesSummary(listed.length, notListed));
    this.table.hidden = listed.length === 0;
    syncChildren(this.rows, listed.length, machineRow);
    listed.forEach((machine, i) => {
      const row = this.rows.children[i] as HTMLTableRowElement;
      const [host, rate, done, active] = Array.from(row.cells);
      setText(host, machine.host);
      setText(rate, formatRate(machine.videosPerSecond));
      setText(done, String(machine.done));
      setText(active, `${machine.active} / ${machine.workers}`);
      row.classList.toggle('vbk-idle', machine.active === 0);
    });
  }
}

function headerCell(scope: 'col' | 'row', className: string, text?: string): HTMLTableCellElement {
  const cell = element('th', className, text);
  cell.scope = scope;
  return cell;
}

function machineRow(): HTMLTableRowElement {
  const row = element('tr', 'vbk-machine');
  // The host heads its row, so a screen reader names the machine with each number.
  row.append(headerCell('row', COLUMNS[0][1]), ...COLUMNS.slice(1).map(([, className]) => element('td', className)));
  return row;
}

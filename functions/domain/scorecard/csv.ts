/**
 * The scorecard as CSV (RFC 4180): one section per table (a caption record, a header record,
 * the rows, then an empty line), CRLF line ends. A field holding a comma, a double quote, CR or
 * LF is quoted, with quotes doubled. Numbers are plain (shares as decimals, 0.75), empty for no
 * data. Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
 * gets a leading apostrophe, since reasons and campaign names come from outside.
 */

import { type Cell, type ColumnKind, scorecardTables } from './tables.ts';
import type { Scorecard } from './types.ts';

const FORMULA = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvCell(cell: Cell, kind: ColumnKind): string {
  if (cell === null) return '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (typeof cell === 'number') return String(cell);
  const text = kind === 'text' && FORMULA.test(cell) ? `'${cell}` : cell;
  return csvField(text);
}

export function scorecardCsv(sc: Scorecard): string {
  const records: string[] = [];
  for (const table of scorecardTables(sc)) {
    records.push(csvField(`${table.caption} (${sc.unit.name}, ${sc.period.from} to ${sc.period.to})`));
    records.push(table.columns.map((c) => csvField(c.label)).join(','));
    for (const row of table.rows)
      records.push(row.map((cell, i) => csvCell(cell, table.columns[i]?.kind ?? 'text')).join(','));
    records.push('');
  }
  return records.map((r) => `${r}\r\n`).join('');
}

/**
 * Spreadsheet formula injection ("CSV injection"): a cell that starts with = + - @ (or a tab or carriage
 * return, which some spreadsheets skip before reading a formula) is run as a formula when the file is
 * opened. Every CSV export passes every cell through `neutralizeCell`, which prefixes such a cell with a
 * single quote so it is shown as text. `null`/`undefined` become ''. Its SQL twin `csv_cell` (migration
 * 1795500000000) does the same where PostgreSQL writes the CSV itself (the letter packet); a test checks
 * that both agree.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

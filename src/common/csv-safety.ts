/**
 * Spreadsheet formula injection ("CSV injection"): a cell that starts with = + - @ (or a tab or carriage
 * return, which some spreadsheets skip before reading a formula) is run as a formula when the file is
 * opened. Every CSV export passes every cell through `neutralizeCell`, which prefixes such a cell with a
 * single quote so it is shown as text. `null`/`undefined` become ''.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what is live before its next full collection: 1.5× here, instead
 * of V8's own factor of up to 4×. A server sending a bulletin allocates fast and keeps little (about
 * 75 MB live); with V8's default its RSS grew by 200 MB and more while sending 100,000 mails, with this
 * by about 40 MB, and no slower (bench/README.md, "Bulletins"). Someone who starts node with their own
 * `--heap-growing-percent` keeps theirs.
 */
export const HEAP_GROWING_PERCENT = 50;

export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  // Only the command line can carry it: node refuses V8 flags like this one in NODE_OPTIONS.
  const own = execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (own) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

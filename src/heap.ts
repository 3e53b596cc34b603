import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what is live before its next full collection: 1.3× here, instead
 * of V8's own factor of up to 4×. A server sending a bulletin allocates fast and keeps little (about
 * 75 MB live); with V8's default its RSS grew by 200 MB and more while sending 100,000 mails. At 1.5×
 * it grew by about 40 MB, but now and then by 110–120 MB: a full collection whose incremental marking
 * ran long counted what was allocated meanwhile as live (111 MB instead of 75, in a --trace-gc run), and
 * the next limit, 1.5× that, let the heap reach 205 MB. At 1.3× the same runs grew by about 34 MB, with
 * no slower sending (bench/README.md, "Bulletins"). Someone who starts node with their own
 * `--heap-growing-percent` keeps theirs.
 */
export const HEAP_GROWING_PERCENT = 30;

export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  // Only the command line can carry it: node refuses V8 flags like this one in NODE_OPTIONS.
  const own = execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (own) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

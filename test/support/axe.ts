import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core in the page, as a reviewer's accessibility checker would run it. The source is evaluated
 * through the DevTools protocol, so the pages' strict Content-Security-Policy (no inline script) stays
 * as it is in production. Serious and critical violations fail; so does any duplicate `id` (labels
 * and error links would point at the wrong field).
 */
const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  // The page's own globals, written as strings: this project compiles without the DOM library.
  if (!(await page.evaluate<boolean>(`'axe' in window`))) await page.evaluate(await AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  const duplicateIds = await page.evaluate<string[]>(`(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  })()`);
  return [
    ...violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    })),
    ...duplicateIds.map((id) => ({
      id: 'duplicate-id',
      impact: 'serious',
      help: 'id used twice',
      targets: [`#${id}`],
    })),
  ];
}

/** Fails with the page's URL and each serious or critical finding (rule, help, elements). */
export async function expectAccessible(page: Page): Promise<void> {
  const bad = (await axeFindings(page)).filter((f) => f.impact === 'serious' || f.impact === 'critical');
  if (bad.length)
    throw new Error(
      `${page.url()}: ${bad.length} serious or critical accessibility findings:\n` +
        bad
          .map((f) => `- ${f.id} (${f.impact}): ${f.help}\n    ${f.targets.slice(0, 5).join('\n    ')}`)
          .join('\n'),
    );
}

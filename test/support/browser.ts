import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags of a closed network and a fresh profile each time. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(opts: { phone?: boolean; locale?: string } = {}): Promise<Browser> {
  const dir = await mkdtemp(join(tmpdir(), 'puente-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: opts.phone ? PHONE : DESKTOP,
    isMobile: Boolean(opts.phone),
    hasTouch: Boolean(opts.phone),
    locale: opts.locale ?? 'en-US',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Where the README's and the organizers' guide's pictures live (docs/screenshots/). */
export const DOCS_SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/**
 * Full-page screenshots of the current page at phone and desktop size, under test-artifacts/. A page
 * the docs show passes `docs: 'phone' | 'desktop'`: with DOCS_SCREENSHOTS=1 in the environment, that
 * size is also written to docs/screenshots/<name>-<size>.png (so run only the test files that take them).
 */
export async function screenshots(
  page: Page,
  name: string,
  opts: { docs?: 'phone' | 'desktop' } = {},
): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    const path = join(SCREENSHOTS, `${name}-${label}.png`);
    await page.screenshot({ path, fullPage: true });
    if (opts.docs === label && process.env.DOCS_SCREENSHOTS === '1') {
      await copyFile(path, join(DOCS_SCREENSHOTS, `${name}-${label}.png`));
    }
  }
  if (before) await page.setViewportSize(before);
}

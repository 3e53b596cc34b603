import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Locale } from './localized-text.js';
import { formatCount } from './locale-format.js';

/**
 * What the PDFs that leave the building share (delivery packet, campaign report): fonts that cover
 * Spanish and every Latin name a signer may have (DejaVu Sans, embedded and subset by pdfkit, so a
 * reader needs nothing installed; the 14 standard PDF fonts stop at Windows-1252), and page numbers.
 */
export const FONT = {
  regular: 'Body',
  bold: 'Body-Bold',
  italic: 'Body-Italic',
  /** Narrower, for tables: more of a name or a place fits on one line. */
  condensed: 'Body-Condensed',
  condensedBold: 'Body-Condensed-Bold',
} as const;

let fontFiles: Record<keyof typeof FONT, Buffer> | undefined;

/** The font files, read once per process (the package ships them as plain TTF). */
function fonts(): Record<keyof typeof FONT, Buffer> {
  if (!fontFiles) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = {
      regular: readFileSync(join(dir, 'DejaVuSans.ttf')),
      bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')),
      italic: readFileSync(join(dir, 'DejaVuSans-Oblique.ttf')),
      condensed: readFileSync(join(dir, 'DejaVuSansCondensed.ttf')),
      condensedBold: readFileSync(join(dir, 'DejaVuSansCondensed-Bold.ttf')),
    };
  }
  return fontFiles;
}

/** Registers the document fonts under FONT's names and makes the regular one current. */
export function useDocumentFonts(doc: PDFKit.PDFDocument): void {
  const files = fonts();
  for (const key of Object.keys(FONT) as (keyof typeof FONT)[]) doc.registerFont(FONT[key], files[key]);
  doc.font(FONT.regular);
}

const PAGE_OF: Record<Locale, (n: string, total: string) => string> = {
  en: (n, total) => `Page ${n} of ${total}`,
  es: (n, total) => `Página ${n} de ${total}`,
};

/**
 * Writes "Page 3 of 12" (and `left`, e.g. who sent the document, when given) in the bottom margin of
 * the current page.
 */
export function pageFooter(
  doc: PDFKit.PDFDocument,
  locale: Locale,
  page: number,
  total: number,
  left?: string,
): void {
  const { margins, width, height } = doc.page;
  // Writing below the bottom margin would start a new page: lift the margin while drawing the footer.
  const bottom = margins.bottom;
  margins.bottom = 0;
  const y = height - bottom / 2 - 4;
  const inner = width - margins.left - margins.right;
  doc.font(FONT.regular).fontSize(8).fillColor('#52525b');
  doc.text(PAGE_OF[locale](formatCount(page, locale), formatCount(total, locale)), margins.left, y, {
    width: inner,
    align: 'right',
    lineBreak: false,
  });
  if (left) doc.text(left, margins.left, y, { width: inner * 0.7, lineBreak: false, ellipsis: true });
  margins.bottom = bottom;
  doc.fillColor('#000000');
}

/**
 * The footer on every page still buffered (needs `bufferPages: true`), numbered from the first page of
 * the document, out of `total` (default: the pages there are now, for a document drawn whole).
 */
export function numberPages(doc: PDFKit.PDFDocument, locale: Locale, left?: string, total?: number): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    pageFooter(doc, locale, i + 1, total ?? start + count, left);
  }
}

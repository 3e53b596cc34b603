import PDFDocument from 'pdfkit';
import { countryName } from '../common/countries.js';
import { formatCount, formatLongDate } from '../common/locale-format.js';
import type { Locale } from '../common/localized-text.js';
import { FONT, numberPages, pageFooter, useDocumentFonts } from '../common/pdf.js';
import { unixLineEndings } from '../common/transforms.js';
import type { PacketSigner } from './signer-cursor.js';

export interface PacketInfo {
  /** Who delivers it: the organization's sender name, and its reply-to as the contact. */
  organization: { name: string; replyTo: string | null };
  campaignTitle: string;
  actionTitle: string;
  target: { name: string; title: string | null; organization: string | null; postalAddress: string | null };
  /** The target's language: the whole packet is in it. */
  locale: Locale;
  date: Date;
  signatureCount: number;
  /** The letter once, resolved for the target in the target's language (no placeholders). */
  letter: { subject: string; body: string };
  /** The letter takes personal notes: the signer table has a column for them. */
  personalNotes: boolean;
}

const WORDS = {
  en: {
    packet: 'Letter delivery',
    contact: 'Contact',
    to: 'To',
    from: 'From',
    letter: 'Letter',
    subject: 'Subject',
    campaign: 'Campaign',
    date: 'Date',
    total: 'Signatures',
    signed: (n: number, count: string) =>
      `${count} ${n === 1 ? 'person' : 'people'} signed this letter; the list follows, numbered.`,
    signers: 'Signers',
    number: 'No.',
    name: 'Name',
    place: 'City, region, country',
    note: 'Personal note',
  },
  es: {
    packet: 'Entrega de carta',
    contact: 'Contacto',
    to: 'Para',
    from: 'De',
    letter: 'Carta',
    subject: 'Asunto',
    campaign: 'Campaña',
    date: 'Fecha',
    total: 'Firmas',
    signed: (n: number, count: string) =>
      `${count} ${n === 1 ? 'persona firmó' : 'personas firmaron'} esta carta; la lista numerada sigue.`,
    signers: 'Firmantes',
    number: 'Núm.',
    name: 'Nombre',
    place: 'Ciudad, estado, país',
    note: 'Nota personal',
  },
} as const;

const INK = '#1f2933';
const MUTED = '#52525b';
const ACCENT = '#b3261e';
const RULE = '#d4d4d8';
const HEAD_FILL = '#f4f4f5';
const MARGIN = 56;

/** pdfkit pushes without waiting for the reader: pause the writer while too much is unread. */
async function readerCaughtUp(doc: PDFKit.PDFDocument): Promise<void> {
  while (doc.readableLength > 1 << 20 && !doc.destroyed) await new Promise((r) => setTimeout(r, 5));
}

/** A table column: its header, its share of the width, and what it shows of a signer. */
interface Column {
  header: string;
  width: number;
  value: (s: PacketSigner, n: number) => string;
  align?: 'right';
}

/**
 * The delivery packet as a PDF, all in the target's language: a cover (organization and contact, the
 * target, letter, date and signer count), the letter once, then the signers as a numbered table (name,
 * city/region/country, personal note when the letter takes them), "Page 3 of 12" on every page.
 * Everything is drawn as text, so a name or a note can never add PDF content. A thousand signers make
 * about 30 pages.
 *
 * The signers are read twice (`signers.first()`, then `second()`, one snapshot): the first pass only
 * measures each row, which gives the page count before anything is drawn; the second draws, and each
 * finished page is written out at once, so memory stays flat for any number of signers.
 */
export function packetPdf(
  info: PacketInfo,
  signers: { first: () => AsyncIterable<PacketSigner>; second: () => AsyncIterable<PacketSigner> },
): PDFKit.PDFDocument {
  const lang = info.locale;
  const w = WORDS[lang];
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${w.packet}: ${info.actionTitle}`, Author: info.organization.name },
  });
  useDocumentFonts(doc);
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN;
  const footer = `${info.organization.name} · ${info.actionTitle}`;
  const count = formatCount(info.signatureCount, lang);

  const write = async () => {
    // The signers, a numbered table (its header again on every page)
    const columns: Column[] = [
      { header: w.number, width: 36, value: (_s, n) => formatCount(n, lang), align: 'right' },
      {
        header: w.name,
        width: info.personalNotes ? 140 : 200,
        value: (s) => [s.firstName, s.lastName].filter(Boolean).join(' ') || '—',
      },
      {
        header: w.place,
        width: info.personalNotes ? 160 : width - 236,
        value: (s) =>
          [s.city, s.region, s.country ? countryName(s.country, lang) : null].filter(Boolean).join(', '),
      },
    ];
    if (info.personalNotes)
      columns.push({
        header: w.note,
        width: width - 336,
        value: (s) => unixLineEndings(s.personalNote ?? ''),
      });
    const size = 9;
    const pad = 4;
    const gap = 8;
    const cellWidth = (i: number) => columns[i].width - gap;

    /** Height of a row of cells in `font`, padding included (a cell that fits on one line is not wrapped). */
    const measure = (cells: string[], font: string): number => {
      doc.font(font).fontSize(size);
      const line = doc.heightOfString('X');
      let height = line;
      cells.forEach((c, i) => {
        if (!c) return;
        const h =
          !c.includes('\n') && doc.widthOfString(c) <= cellWidth(i)
            ? line
            : doc.heightOfString(c, { width: cellWidth(i) });
        height = Math.max(height, h);
      });
      return height + 2 * pad;
    };
    const draw = (cells: string[], y: number, font: string) => {
      doc.font(font).fontSize(size).fillColor(INK);
      let x = left;
      cells.forEach((c, i) => {
        if (c) doc.text(c, x, y + pad, { width: cellWidth(i), align: columns[i].align });
        x += columns[i].width;
      });
    };
    const headers = columns.map((c) => c.header);
    const headerHeight = measure(headers, FONT.condensedBold) + 4;
    /** Draws the table header at `y`; answers where the first row goes. */
    const header = (y: number): number => {
      doc.rect(left, y, width, headerHeight).fill(HEAD_FILL);
      draw(headers, y + 2, FONT.condensedBold);
      return y + headerHeight;
    };
    const title = `${w.signers} (${count})`;
    doc.font(FONT.bold).fontSize(14);
    const firstRowAt = MARGIN + doc.heightOfString(title, { width }) + 8 + headerHeight;
    const nextPageRowAt = MARGIN + headerHeight;

    // Pass 1: every row's height, and so the table's page count.
    const heights: number[] = [];
    let tablePages = 1;
    let y = firstRowAt;
    let n = 0;
    for await (const s of signers.first()) {
      if (doc.destroyed) return;
      n++;
      const h = measure(
        columns.map((c) => c.value(s, n)),
        FONT.condensed,
      );
      heights.push(h);
      if (y + h > bottom) {
        tablePages++;
        y = nextPageRowAt;
      }
      y += h;
    }

    // The cover and the letter, numbered out of the whole, then written out.
    const front = drawFront();
    const total = front + tablePages;
    numberPages(doc, lang, footer, total);
    doc.flushPages();

    // Pass 2: the table, each page written out once full.
    let page = front + 1;
    doc.addPage();
    doc.font(FONT.bold).fontSize(14).fillColor(INK).text(title, left, MARGIN, { width });
    header(firstRowAt - headerHeight);
    y = firstRowAt;
    n = 0;
    for await (const s of signers.second()) {
      if (doc.destroyed) return;
      n++;
      const cells = columns.map((c) => c.value(s, n));
      const h = heights[n - 1] ?? measure(cells, FONT.condensed);
      if (y + h > bottom) {
        pageFooter(doc, lang, page, total, footer);
        doc.flushPages();
        doc.addPage();
        page++;
        y = header(MARGIN);
      }
      draw(cells, y, FONT.condensed);
      doc
        .moveTo(left, y + h)
        .lineTo(left + width, y + h)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      y += h;
      if (n % 200 === 0) await readerCaughtUp(doc);
    }
    pageFooter(doc, lang, page, total, footer);
    doc.end();
  };

  /** The cover and the letter (which may run over several pages); answers how many pages they took. */
  function drawFront(): number {
    // Cover
    doc.font(FONT.bold).fontSize(10).fillColor(ACCENT).text(w.packet.toUpperCase(), { characterSpacing: 1 });
    doc.moveDown(0.4).font(FONT.bold).fontSize(22).fillColor(INK).text(info.organization.name);
    if (info.organization.replyTo)
      doc.font(FONT.regular).fontSize(10).fillColor(MUTED).text(info.organization.replyTo);
    doc.moveDown(1);
    const ruleAt = doc.y;
    doc
      .moveTo(left, ruleAt)
      .lineTo(left + width, ruleAt)
      .lineWidth(1)
      .strokeColor(RULE)
      .stroke();
    doc.y = ruleAt + 16;

    const t = info.target;
    // (A library body's organization is often its own name: said once.)
    const office = [t.title, t.organization].filter((v) => v && v !== t.name).join(', ');
    const facts: [string, string][] = [
      [w.to, [t.name, office, t.postalAddress ?? ''].filter(Boolean).join('\n')],
      [w.from, info.organization.name],
      [w.contact, info.organization.replyTo ?? ''],
      [w.letter, info.actionTitle],
      [w.subject, info.letter.subject],
      [w.campaign, info.campaignTitle],
      [w.date, formatLongDate(info.date, lang)],
      [w.total, count],
    ];
    const labelWidth = 100;
    for (const [label, value] of facts) {
      if (!value) continue;
      const y = doc.y;
      doc
        .font(FONT.bold)
        .fontSize(10)
        .fillColor(MUTED)
        .text(label, left, y, { width: labelWidth - 8 });
      doc.font(FONT.regular).fontSize(11).fillColor(INK);
      doc.text(unixLineEndings(value), left + labelWidth, y, { width: width - labelWidth });
      doc.y = Math.max(doc.y, y + 14) + 8;
    }
    doc.moveDown(1).font(FONT.regular).fontSize(11).fillColor(INK);
    doc.text(w.signed(info.signatureCount, count), left, doc.y, { width });

    // The letter, once
    doc.addPage();
    doc.font(FONT.bold).fontSize(14).fillColor(INK).text(info.letter.subject, { width }).moveDown(1);
    doc.font(FONT.regular).fontSize(11).text(unixLineEndings(info.letter.body), { width, lineGap: 2.5 });
    doc.moveDown(1.5).font(FONT.italic).fontSize(10).fillColor(MUTED);
    doc.text(w.signed(info.signatureCount, count), { width });
    return doc.bufferedPageRange().count;
  }

  write().catch((e: unknown) => doc.destroy(e instanceof Error ? e : new Error(String(e))));
  return doc;
}

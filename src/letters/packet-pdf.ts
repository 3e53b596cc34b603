import PDFDocument from 'pdfkit';
import type { Locale } from '../common/localized-text.js';
import type { PacketSigner } from './signer-cursor.js';

export interface PacketInfo {
  campaignTitle: string;
  actionTitle: string;
  target: { name: string; title: string | null; organization: string | null; postalAddress: string | null };
  /** The target's language: the letter comes first in it. */
  locale: Locale;
  date: Date;
  signatureCount: number;
  /** The letter, rendered for the target, in the target's language (and the other one when written). */
  letters: { locale: Locale; subject: string; body: string }[];
  /** When the letter names its signer: each signer's own letter (and annex), drawn on a page of its own. */
  perSigner?: (signer: PacketSigner) => { locale: Locale; subject: string; body: string }[];
}

const WORDS = {
  en: {
    packet: 'Letter delivery',
    campaign: 'Campaign',
    letter: 'Letter',
    to: 'To',
    date: 'Date',
    total: 'Signatures',
    annex: 'Annex: the letter in Spanish',
    signers: 'Signers',
    note: 'Personal note',
  },
  es: {
    packet: 'Entrega de carta',
    campaign: 'Campaña',
    letter: 'Carta',
    to: 'Para',
    date: 'Fecha',
    total: 'Firmas',
    annex: 'Anexo: la carta en inglés',
    signers: 'Firmantes',
    note: 'Nota personal',
  },
} as const;

/** pdfkit pushes without waiting for the reader: pause the writer while too much is unread. */
async function readerCaughtUp(doc: PDFKit.PDFDocument): Promise<void> {
  while (doc.readableLength > 1 << 20 && !doc.destroyed) await new Promise((r) => setTimeout(r, 5));
}

/**
 * The delivery packet as a PDF stream: a cover page, the letter in the target's language (the other
 * language as an annex), then every signer with their personal note. Everything is drawn as text, so a
 * name or a note can never add PDF content. Signers are drawn as they arrive from the cursor.
 */
export function packetPdf(info: PacketInfo, signers: AsyncIterable<PacketSigner>): PDFKit.PDFDocument {
  const w = WORDS[info.locale];
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 60,
    info: { Title: `${w.packet}: ${info.actionTitle}`, Author: 'Puente' },
  });
  const write = async () => {
    // Cover
    doc.font('Helvetica-Bold').fontSize(22).text(w.packet, { align: 'center' }).moveDown(2);
    const t = info.target;
    const cover: [string, string][] = [
      [w.campaign, info.campaignTitle],
      [w.letter, info.actionTitle],
      [w.to, [t.name, t.title, t.organization].filter(Boolean).join(', ')],
      [w.date, info.date.toISOString().slice(0, 10)],
      [w.total, String(info.signatureCount)],
    ];
    for (const [label, value] of cover) {
      doc.font('Helvetica-Bold').fontSize(12).text(`${label}: `, { continued: true });
      doc.font('Helvetica').text(value).moveDown(0.5);
    }
    if (t.postalAddress) doc.moveDown().font('Helvetica').fontSize(11).text(t.postalAddress);

    // The letter, then the annex in the other language (a letter per signer replaces them)
    const drawLetters = (letters: PacketInfo['letters']) =>
      letters.forEach((l, i) => {
        if (i > 0) doc.moveDown().font('Helvetica-Oblique').fontSize(10).text(w.annex).moveDown();
        doc.font('Helvetica-Bold').fontSize(14).text(l.subject).moveDown();
        doc.font('Helvetica').fontSize(11).text(l.body, { align: 'left' }).moveDown();
      });
    if (!info.perSigner) {
      doc.addPage();
      drawLetters(info.letters);
    }

    // Signers
    if (!info.perSigner) {
      doc.addPage();
      doc.font('Helvetica-Bold').fontSize(14).text(`${w.signers} (${info.signatureCount})`).moveDown();
    }
    let n = 0;
    for await (const s of signers) {
      if (doc.destroyed) break;
      n++;
      if (info.perSigner) {
        doc.addPage();
        drawLetters(info.perSigner(s));
      }
      const name = [s.firstName, s.lastName].filter(Boolean).join(' ') || '—';
      const place = [s.city, s.region, s.country].filter(Boolean).join(', ');
      doc.font('Helvetica-Bold').fontSize(10).text(`${n}. ${name}`, { continued: !!place });
      if (place) doc.font('Helvetica').text(` — ${place}`);
      if (s.personalNote) {
        doc.font('Helvetica-Oblique').fontSize(9).text(`${w.note}: ${s.personalNote}`, { indent: 14 });
      }
      doc.moveDown(0.3);
      if (n % 100 === 0) await readerCaughtUp(doc);
    }
    doc.end();
  };
  write().catch((e: unknown) => doc.destroy(e instanceof Error ? e : new Error(String(e))));
  return doc;
}

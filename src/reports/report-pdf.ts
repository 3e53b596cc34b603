import PDFDocument from 'pdfkit';
import { countryName } from '../common/countries.js';
import { formatCount, formatLongDate, formatMoneyCode, formatPercent } from '../common/locale-format.js';
import type { Locale } from '../common/localized-text.js';
import type { Attribution } from '../supporters/attribution.service.js';
import { FONT, numberPages, useDocumentFonts } from '../common/pdf.js';
import type { DayCount } from './report-registry.js';
import type { CampaignReport } from './report.service.js';

const L = {
  en: {
    report: 'Campaign report',
    generated: 'Generated',
    progress: 'Progress toward the goals',
    pledges: 'Pledges',
    signatures: 'Signatures',
    perDay: 'Signatures and pledges per day',
    byKind: 'Pledges by kind (fulfilled of total)',
    fulfilment: 'Fulfilment rate',
    letters: 'Letters and their delivery',
    delivered: 'delivered',
    pending: 'not yet delivered',
    events: 'RSVPs and check-ins',
    going: 'going',
    checkedIn: 'checked in',
    noShow: 'no-show',
    money: 'Money raised',
    received: 'received',
    pledged: 'pledged',
    converted: 'converted',
    unconverted: 'not converted (no rate)',
    supporters: 'Supporters',
    byCountry: 'By country',
    topCities: 'Top cities',
    sources: 'Where actions come from',
    actions: 'actions',
    newSupporters: 'new supporters',
    referrers: 'Shared by supporters',
    none: 'Nothing yet.',
    of: 'of',
    max: 'highest day',
    kinds: {
      support: 'Support',
      sign: 'Sign letters',
      attend: 'Attend',
      volunteer: 'Volunteer',
      donate: 'Donate',
      share: 'Share',
    } as Record<string, string>,
  },
  es: {
    report: 'Informe de la campaña',
    generated: 'Generado',
    progress: 'Avance hacia las metas',
    pledges: 'Compromisos',
    signatures: 'Firmas',
    perDay: 'Firmas y compromisos por día',
    byKind: 'Compromisos por tipo (cumplidos de total)',
    fulfilment: 'Tasa de cumplimiento',
    letters: 'Cartas y su entrega',
    delivered: 'entregadas',
    pending: 'sin entregar',
    events: 'Confirmaciones y asistencia',
    going: 'confirmados',
    checkedIn: 'asistieron',
    noShow: 'no asistieron',
    money: 'Fondos recaudados',
    received: 'recibido',
    pledged: 'prometido',
    converted: 'convertido',
    unconverted: 'sin convertir (falta tipo de cambio)',
    supporters: 'Personas que apoyan',
    byCountry: 'Por país',
    topCities: 'Ciudades principales',
    sources: 'De dónde llegan las acciones',
    actions: 'acciones',
    newSupporters: 'simpatizantes nuevos',
    referrers: 'Compartido por simpatizantes',
    none: 'Todavía nada.',
    of: 'de',
    max: 'día más alto',
    kinds: {
      support: 'Apoyar',
      sign: 'Firmar cartas',
      attend: 'Asistir',
      volunteer: 'Voluntariado',
      donate: 'Aportar',
      share: 'Difundir',
    } as Record<string, string>,
  },
} satisfies Record<Locale, Record<string, string | Record<string, string>>>;

const INK = '#1f2933';
const ACCENT = '#b3261e';
const MUTED = '#9aa5b1';

interface Sections {
  pledges?: {
    total: number;
    fulfilled: number;
    fulfilmentRate: number;
    byKind: Record<string, { total: number; fulfilled: number }>;
    perDay: DayCount[];
  };
  signatures?: {
    total: number;
    perDay: DayCount[];
    actions: {
      title: string;
      count: number;
      goal: number | null;
      targets: { name: string; delivered: number; undelivered: number }[];
    }[];
  };
  events?: {
    title: string;
    goingPeople: number;
    capacity: number | null;
    checkedIn: number;
    noShow: number;
  }[];
  money?: {
    fundraisers: {
      title: string;
      goal: { amount: string; currency: string };
      byCurrency: { currency: string; received: { amount: string }; pledged: { amount: string } }[];
      converted: {
        received: { amount: string; currency: string };
        percentOfGoal: string;
        unconverted: { amount: { amount: string; currency: string } }[];
      };
    }[];
  };
  supporters?: {
    total: number;
    byCountry: { country: string; count: number }[];
    topCities: { city: string; country: string; count: number }[];
  };
  sources?: Attribution;
}

/**
 * Draws the report in the reader's language: progress bars toward each goal ("Pledges: 1,500 of 5,000
 * (30%)", money as "USD 540.94 of USD 20,000 (2.7%)"), a per-day chart with a legend of colour
 * swatches, then the tables. Numbers through Intl (src/common/locale-format.ts), fonts that cover
 * Spanish, page numbers on every page. Returns the PDF stream.
 */
export function reportPdf(report: CampaignReport): PDFKit.PDFDocument {
  const lang = report.lang;
  const t = L[lang];
  const s = report.sections as Sections;
  const num = (n: number) => formatCount(n, lang);
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 50,
    bufferPages: true,
    info: { Title: `${t.report}: ${report.campaign.title}` },
  });
  useDocumentFonts(doc);
  const width = doc.page.width - 100;

  doc.fillColor(INK).font(FONT.bold).fontSize(20).text(report.campaign.title);
  doc.font(FONT.regular).fontSize(10).fillColor(MUTED);
  doc.text(
    [
      t.report,
      report.campaign.employer,
      report.campaign.workplace,
      report.campaign.city,
      report.campaign.country ? countryName(report.campaign.country, lang) : null,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  const at = report.generatedAt;
  doc.text(`${t.generated}: ${formatLongDate(at, lang)}, ${at.toISOString().slice(11, 16)} UTC`);
  doc.moveDown();

  const heading = (text: string) => {
    if (doc.y > doc.page.height - 150) doc.addPage();
    doc
      .moveDown(0.5)
      .fillColor(INK)
      .font(FONT.bold)
      .fontSize(13)
      .text(text, 50)
      .font(FONT.regular)
      .fontSize(10)
      .moveDown(0.3);
  };
  /** "label: value of goal (pct)" over a bar filled to value/goal; without a goal, the value alone. */
  const bar = (label: string, value: string, share: number | null, goal?: string) => {
    const pct = share === null ? '' : ` (${formatPercent(share * 100, lang)})`;
    doc.fillColor(INK).text(`${label}: ${value}${goal ? ` ${t.of} ${goal}` : ''}${pct}`, 50, doc.y);
    const top = doc.y + 2;
    doc.rect(50, top, width, 10).fill('#e4e7eb');
    const filled = Math.min(1, Math.max(0, share ?? 0));
    if (filled > 0) doc.rect(50, top, Math.max(width * filled, 1), 10).fill(ACCENT);
    doc.fillColor(INK);
    doc.y = top + 16;
  };
  const countBar = (label: string, value: number, goal: number | null) =>
    bar(label, num(value), goal ? value / goal : null, goal ? num(goal) : undefined);

  heading(t.progress);
  countBar(t.pledges, s.pledges?.total ?? 0, report.campaign.goals.pledges);
  countBar(t.signatures, s.signatures?.total ?? 0, report.campaign.goals.signatures);
  for (const f of s.money?.fundraisers ?? []) {
    const raised = f.converted.received;
    bar(
      f.title,
      formatMoneyCode(raised.amount, raised.currency, lang),
      Number(f.converted.percentOfGoal) / 100,
      formatMoneyCode(f.goal.amount, f.goal.currency, lang),
    );
  }

  heading(t.perDay);
  drawPerDay(doc, s.signatures?.perDay ?? [], s.pledges?.perDay ?? [], width, t, num);

  heading(t.byKind);
  if (s.pledges) {
    for (const [kind, v] of Object.entries(s.pledges.byKind))
      if (v.total) doc.text(`${t.kinds[kind] ?? kind}: ${num(v.fulfilled)} ${t.of} ${num(v.total)}`);
    doc.text(`${t.fulfilment}: ${formatPercent(s.pledges.fulfilmentRate * 100, lang)}`);
  } else doc.text(t.none);

  heading(t.letters);
  if (!s.signatures?.actions.length) doc.text(t.none);
  for (const a of s.signatures?.actions ?? []) {
    doc
      .font(FONT.bold)
      .text(`${a.title}: ${num(a.count)}${a.goal ? ` ${t.of} ${num(a.goal)}` : ''}`)
      .font(FONT.regular);
    for (const target of a.targets)
      doc.text(
        `${target.name}: ${num(target.delivered)} ${t.delivered}, ${num(target.undelivered)} ${t.pending}`,
        { indent: 14 },
      );
  }

  heading(t.events);
  if (!s.events?.length) doc.text(t.none);
  for (const e of s.events ?? []) {
    doc.text(
      `${e.title}: ${num(e.goingPeople)}${e.capacity ? ` ${t.of} ${num(e.capacity)}` : ''} ${t.going}, ${num(e.checkedIn)} ${t.checkedIn}, ${num(e.noShow)} ${t.noShow}`,
    );
  }

  heading(t.money);
  if (!s.money?.fundraisers.length) doc.text(t.none);
  for (const f of s.money?.fundraisers ?? []) {
    const money = (m: { amount: string; currency: string }) => formatMoneyCode(m.amount, m.currency, lang);
    doc.font(FONT.bold).text(`${f.title} — ${money(f.goal)}`).font(FONT.regular);
    for (const c of f.byCurrency)
      doc.text(
        `${money({ ...c.received, currency: c.currency })} ${t.received}, ${money({ ...c.pledged, currency: c.currency })} ${t.pledged}`,
        { indent: 14 },
      );
    doc.text(
      `${t.converted}: ${money(f.converted.received)} ${t.of} ${money(f.goal)} (${formatPercent(f.converted.percentOfGoal, lang)})`,
      { indent: 14 },
    );
    for (const u of f.converted.unconverted)
      doc.text(`${t.unconverted}: ${money(u.amount)}`, { indent: 14 });
  }

  heading(t.supporters);
  doc.text(`${t.supporters}: ${num(s.supporters?.total ?? 0)}`);
  doc.text(
    `${t.byCountry}: ${(s.supporters?.byCountry ?? []).map((c) => `${c.country ? countryName(c.country, lang) : '?'} ${num(c.count)}`).join(', ') || t.none}`,
  );
  doc.text(
    `${t.topCities}: ${(s.supporters?.topCities ?? []).map((c) => `${c.city} (${countryName(c.country, lang)}) ${num(c.count)}`).join(', ') || t.none}`,
  );

  // Sources (?source=) and share links (?ref=): actions, then the new supporters they brought.
  heading(t.sources);
  if (!s.sources?.bySource.length) doc.text(t.none);
  for (const x of s.sources?.bySource ?? [])
    doc.text(`${x.source}: ${num(x.actions)} ${t.actions}, ${num(x.newSupporters)} ${t.newSupporters}`);
  if (s.sources?.byReferrer.length) {
    doc.font(FONT.bold).text(t.referrers).font(FONT.regular);
    for (const r of s.sources.byReferrer)
      doc.text(`${r.name ?? '—'}: ${num(r.actions)} ${t.actions}`, { indent: 14 });
  }

  numberPages(doc, lang, report.campaign.title);
  doc.end();
  return doc;
}

/** A small filled square and its label, for a chart's legend; returns the x after it. */
function swatch(doc: PDFKit.PDFDocument, x: number, y: number, color: string, label: string): number {
  doc.rect(x, y + 1, 9, 9).fill(color);
  doc.fillColor(INK).text(label, x + 13, y, { lineBreak: false });
  return x + 13 + doc.widthOfString(label) + 18;
}

/** Stacked bars, one per day of the last 30 days with activity: signatures (accent) and pledges (grey). */
function drawPerDay(
  doc: PDFKit.PDFDocument,
  signatures: DayCount[],
  pledges: DayCount[],
  width: number,
  t: (typeof L)['en'],
  num: (n: number) => string,
) {
  const days = [...new Set([...signatures, ...pledges].map((d) => d.day))].sort().slice(-30);
  if (!days.length) {
    doc.text(t.none);
    return;
  }
  const sig = new Map(signatures.map((d) => [d.day, d.count]));
  const pl = new Map(pledges.map((d) => [d.day, d.count]));
  const max = Math.max(...days.map((d) => (sig.get(d) ?? 0) + (pl.get(d) ?? 0)), 1);
  const height = 110;
  const top = doc.y;
  // At most 40 points a day, so a campaign a few days old shows bars rather than blocks.
  const slot = Math.min(width / days.length, 40);
  days.forEach((d, i) => {
    const x = 50 + i * slot + 1;
    const s = ((sig.get(d) ?? 0) / max) * height;
    const p = ((pl.get(d) ?? 0) / max) * height;
    if (s) doc.rect(x, top + height - s, Math.max(slot - 2, 1), s).fill(ACCENT);
    if (p) doc.rect(x, top + height - s - p, Math.max(slot - 2, 1), p).fill(MUTED);
  });
  doc
    .moveTo(50, top + height)
    .lineTo(50 + width, top + height)
    .strokeColor(INK)
    .stroke();
  doc.fillColor(INK).fontSize(8);
  doc.text(days[0], 50, top + height + 3);
  if (days.length > 1)
    doc.text(days[days.length - 1], 50, top + height + 3, {
      width: Math.max(slot * days.length, 100),
      align: 'right',
    });
  doc.fontSize(10);
  const y = top + height + 16;
  let x = swatch(doc, 50, y, ACCENT, t.signatures);
  x = swatch(doc, x, y, MUTED, t.pledges);
  doc.fillColor(INK).text(`${t.max}: ${num(max)}`, x, y, { lineBreak: false });
  doc.x = 50;
  doc.y = y + 16;
}

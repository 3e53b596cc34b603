import type { Attribution } from '../supporters/attribution.service.js';
import PDFDocument from 'pdfkit';
import type { Locale } from '../common/localized-text.js';
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
    byKind: 'Pledges by kind (fulfilled / total)',
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
    actionsNew: 'actions, new supporters',
    referrers: 'Shared by supporters',
    none: 'Nothing yet.',
  },
  es: {
    report: 'Informe de la campaña',
    generated: 'Generado',
    progress: 'Avance hacia las metas',
    pledges: 'Compromisos',
    signatures: 'Firmas',
    perDay: 'Firmas y compromisos por día',
    byKind: 'Compromisos por tipo (cumplidos / total)',
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
    actionsNew: 'acciones, simpatizantes nuevos',
    referrers: 'Compartido por simpatizantes',
    none: 'Todavía nada.',
  },
} satisfies Record<Locale, Record<string, string>>;

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

/** Draws the report: progress bars, a per-day chart, then the tables. Returns the PDF stream. */
export function reportPdf(report: CampaignReport): PDFKit.PDFDocument {
  const t = L[report.lang];
  const s = report.sections as Sections;
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 50,
    info: { Title: `${t.report}: ${report.campaign.title}` },
  });
  const width = doc.page.width - 100;

  doc.fillColor(INK).font('Helvetica-Bold').fontSize(20).text(report.campaign.title);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED);
  doc.text(
    [
      t.report,
      report.campaign.employer,
      report.campaign.workplace,
      report.campaign.city,
      report.campaign.country,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  doc.text(`${t.generated}: ${report.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  doc.moveDown();

  const heading = (text: string) => {
    if (doc.y > doc.page.height - 150) doc.addPage();
    doc
      .moveDown(0.5)
      .fillColor(INK)
      .font('Helvetica-Bold')
      .fontSize(13)
      .text(text)
      .font('Helvetica')
      .fontSize(10)
      .moveDown(0.3);
  };
  const bar = (label: string, value: number, goal: number | null, suffix = '') => {
    const y = doc.y;
    doc.fillColor(INK).text(`${label}: ${value}${goal ? ` / ${goal}` : ''}${suffix}`, 50, y);
    const top = doc.y + 2;
    doc.rect(50, top, width, 10).fill('#e4e7eb');
    const share = goal ? Math.min(1, value / goal) : 0;
    if (share > 0) doc.rect(50, top, width * share, 10).fill(ACCENT);
    doc.fillColor(INK);
    doc.y = top + 16;
  };

  heading(t.progress);
  bar(t.pledges, s.pledges?.total ?? 0, report.campaign.goals.pledges);
  bar(t.signatures, s.signatures?.total ?? 0, report.campaign.goals.signatures);
  for (const f of s.money?.fundraisers ?? []) {
    const pct = Number(f.converted.percentOfGoal);
    bar(
      `${f.title} (${f.converted.received.amount} ${f.converted.received.currency})`,
      Math.round(pct),
      100,
      '%',
    );
  }

  heading(t.perDay);
  drawPerDay(doc, s.signatures?.perDay ?? [], s.pledges?.perDay ?? [], width, t);

  heading(t.byKind);
  if (s.pledges) {
    for (const [kind, v] of Object.entries(s.pledges.byKind))
      if (v.total) doc.text(`${kind}: ${v.fulfilled} / ${v.total}`);
    doc.text(`${t.fulfilment}: ${Math.round(s.pledges.fulfilmentRate * 100)}%`);
  }

  heading(t.letters);
  if (!s.signatures?.actions.length) doc.text(t.none);
  for (const a of s.signatures?.actions ?? []) {
    doc
      .font('Helvetica-Bold')
      .text(`${a.title}: ${a.count}${a.goal ? ` / ${a.goal}` : ''}`)
      .font('Helvetica');
    for (const target of a.targets)
      doc.text(`   ${target.name}: ${target.delivered} ${t.delivered}, ${target.undelivered} ${t.pending}`);
  }

  heading(t.events);
  if (!s.events?.length) doc.text(t.none);
  for (const e of s.events ?? []) {
    doc.text(
      `${e.title}: ${e.goingPeople}${e.capacity ? ` / ${e.capacity}` : ''} ${t.going}, ${e.checkedIn} ${t.checkedIn}, ${e.noShow} ${t.noShow}`,
    );
  }

  heading(t.money);
  if (!s.money?.fundraisers.length) doc.text(t.none);
  for (const f of s.money?.fundraisers ?? []) {
    doc.font('Helvetica-Bold').text(`${f.title} — ${f.goal.amount} ${f.goal.currency}`).font('Helvetica');
    for (const c of f.byCurrency)
      doc.text(`   ${c.currency}: ${c.received.amount} ${t.received}, ${c.pledged.amount} ${t.pledged}`);
    doc.text(
      `   ${t.converted}: ${f.converted.received.amount} ${f.converted.received.currency} (${f.converted.percentOfGoal}%)`,
    );
    for (const u of f.converted.unconverted)
      doc.text(`   ${t.unconverted}: ${u.amount.amount} ${u.amount.currency}`);
  }

  heading(t.supporters);
  doc.text(`${t.supporters}: ${s.supporters?.total ?? 0}`);
  doc.text(
    `${t.byCountry}: ${(s.supporters?.byCountry ?? []).map((c) => `${c.country || '?'} ${c.count}`).join(', ') || t.none}`,
  );
  doc.text(
    `${t.topCities}: ${(s.supporters?.topCities ?? []).map((c) => `${c.city} (${c.country}) ${c.count}`).join(', ') || t.none}`,
  );

  // Sources (?source=) and share links (?ref=): actions, then new supporters they brought.
  heading(t.sources);
  if (!s.sources?.bySource.length) doc.text(t.none);
  else doc.fillColor(MUTED).text(t.actionsNew).fillColor(INK);
  for (const x of s.sources?.bySource ?? []) doc.text(`${x.source}: ${x.actions}, ${x.newSupporters}`);
  if (s.sources?.byReferrer.length) {
    doc.text(`${t.referrers}: ${s.sources.byReferrer.map((r) => `${r.name ?? '—'} ${r.actions}`).join(', ')}`);
  }

  doc.end();
  return doc;
}

/** Stacked bars, one per day of the last 30 days with activity: signatures (accent) and pledges (grey). */
function drawPerDay(
  doc: PDFKit.PDFDocument,
  signatures: DayCount[],
  pledges: DayCount[],
  width: number,
  t: (typeof L)['en'],
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
  const slot = width / days.length;
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
  doc.text(days[days.length - 1], 50, top + height + 3, { width, align: 'right' });
  doc.fontSize(10);
  doc.text(`■ ${t.signatures}   ■ ${t.pledges}  (max ${max})`, 50, top + height + 15);
}

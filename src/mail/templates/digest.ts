import { defineTemplate, facts, formatCount, link, list, p } from './layout.js';

/** A campaign's day, for its staff. Counts are what the caller chose to count (usually: new that day). */
export interface DailyDigestData {
  campaignTitle: string;
  /** The day summarized, rendered by the caller ("March 3, 2026" / "3 de marzo de 2026"). */
  date?: string;
  pledges: number;
  signatures: number;
  rsvps: number;
  /** Money, one formatted line each ("US$1,250.00 received", "MX$8,000.00 pledged"); may be empty. */
  moneyLines: string[];
  /** The campaign in the organizer console. */
  dashboardUrl?: string;
}

export const dailyDigest = defineTemplate('daily-digest', (d, locale) => {
  const campaign = d.str('campaignTitle');
  const date = d.optStr('date');
  const count = (field: string) => formatCount(d.count(field), locale);
  const pledges = count('pledges');
  const signatures = count('signatures');
  const rsvps = count('rsvps');
  const money = d.strList('moneyLines');
  const dashboardUrl = d.optUrl('dashboardUrl');
  const en = locale === 'en';
  const intro = en
    ? date
      ? `Here is the summary of “${campaign}” for ${date}.`
      : `Here is the latest summary of “${campaign}”.`
    : date
      ? `Este es el resumen de “${campaign}” del ${date}.`
      : `Este es el resumen más reciente de “${campaign}”.`;
  return {
    subject: en ? `Daily summary: ${campaign}` : `Resumen diario: ${campaign}`,
    blocks: [
      p(intro),
      facts(
        [en ? 'Pledges' : 'Compromisos', pledges],
        [en ? 'Signatures' : 'Firmas', signatures],
        [en ? 'RSVPs' : 'Confirmaciones de asistencia', rsvps],
      ),
      p(en ? 'Money:' : 'Dinero:'),
      money.length ? list(money) : p(en ? 'Nothing recorded.' : 'Nada registrado.'),
      ...(dashboardUrl ? [link(en ? 'Open the campaign' : 'Abrir la campaña', dashboardUrl)] : []),
    ],
  };
});

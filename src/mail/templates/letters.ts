import { defineTemplate, facts, greeting, link, p, quote, quantity } from './layout.js';

/** A letter delivered to its target, in the target's language; the signatures travel as a CSV attachment. */
export interface LetterDeliveryData {
  /** The letter's own subject: it becomes the email's subject. */
  letterSubject: string;
  /** The letter as written by the organizers (plain text; paragraphs and line breaks are kept). */
  letterBody: string;
  signatureCount: number;
  /** "Independent union at GM Silao": who the signers support. */
  campaignTitle?: string;
}

/** Nudges a supporter to sign before a letter closes. */
export interface DeadlineReminderData {
  firstName?: string;
  letterTitle: string;
  /** Rendered by the caller in the recipient's zone and language. */
  deadline: string;
  signUrl: string;
  campaignTitle?: string;
}

export const letterDelivery = defineTemplate('letter-delivery', (d, locale) => {
  const subject = d.str('letterSubject');
  const body = d.str('letterBody');
  const count = d.count('signatureCount');
  const campaign = d.optStr('campaignTitle');
  const signers = quantity(count, 'supporter', locale);
  const signed =
    locale === 'en'
      ? campaign
        ? `Signed by ${signers} of the campaign “${campaign}”.`
        : `Signed by ${signers}.`
      : campaign
        ? `Firmada por ${signers} que ${count === 1 ? 'apoya' : 'apoyan'} la campaña “${campaign}”.`
        : `Firmada por ${signers}.`;
  const attached =
    locale === 'en'
      ? 'The list of signatures is attached as a CSV file.'
      : 'La lista de firmas va adjunta en un archivo CSV.';
  // The letter carries its own salutation, so no greeting of ours.
  return { subject, blocks: [quote(body), p(`${signed} ${attached}`)] };
});

export const deadlineReminder = defineTemplate('deadline-reminder', (d, locale) => {
  const title = d.str('letterTitle');
  const deadline = d.str('deadline');
  const signUrl = d.url('signUrl');
  const campaign = d.optStr('campaignTitle');
  const en = locale === 'en';
  return {
    subject: en ? `Last chance to sign: ${title}` : `Última oportunidad para firmar: ${title}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        en
          ? `The letter “${title}” closes for signatures soon. Add your name before the deadline.`
          : `La carta “${title}” cierra pronto. Suma tu firma antes de la fecha límite.`,
      ),
      facts([en ? 'Campaign' : 'Campaña', campaign], [en ? 'Deadline' : 'Fecha límite', deadline]),
      link(en ? 'Sign the letter' : 'Firmar la carta', signUrl),
    ],
  };
});

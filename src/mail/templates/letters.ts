import { defineTemplate, facts, formatCount, greeting, link, p } from './layout.js';

/** A letter delivered to its target, in the target's language; the signatures travel as a CSV attachment. */
export interface LetterDeliveryData {
  /** The letter's own subject: it becomes the email's subject. */
  letterSubject: string;
  /** The letter as written by the organizers (plain text; paragraphs and line breaks are kept). */
  letterBody: string;
  signatureCount: number;
  /** "Independent union at GM Silao": who the signers support. */
  campaignTitle?: string;
  /** Who sends it (the organization's sender name): the letter's masthead and its closing line. */
  organizationName?: string;
  /** Where the target can answer (the organization's reply-to, also the mail's Reply-To). */
  replyTo?: string;
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

/**
 * The letter as the target reads it: under the organization's name, the letter (already resolved for
 * the target, no placeholders), then the signer block ("1,204 people signed this letter; the list is
 * attached.") and who sent it, all in the target's language, numbers grouped for it.
 */
export const letterDelivery = defineTemplate('letter-delivery', (d, locale) => {
  const subject = d.str('letterSubject');
  const body = d.str('letterBody');
  const count = d.count('signatureCount');
  const campaign = d.optStr('campaignTitle');
  const organization = d.optStr('organizationName');
  const replyTo = d.optStr('replyTo');
  const n = formatCount(count, locale);
  const en = locale === 'en';
  const signers = en
    ? `${n} ${count === 1 ? 'person' : 'people'} signed this letter; the list is attached.`
    : `${n} ${count === 1 ? 'persona firmó' : 'personas firmaron'} esta carta; la lista va adjunta.`;
  const about = campaign
    ? en
      ? `The signers support the campaign “${campaign}”.`
      : `Quienes firman apoyan la campaña “${campaign}”.`
    : '';
  const sentBy = organization
    ? en
      ? `Sent on the signers’ behalf by ${organization}${replyTo ? `, who will read any reply at ${replyTo}` : ''}.`
      : `Enviada en nombre de quienes firman por ${organization}${replyTo ? `, que leerá su respuesta en ${replyTo}` : ''}.`
    : '';
  // The letter carries its own salutation, so no greeting of ours.
  return {
    subject,
    masthead: organization,
    // The letter itself as the body of the mail (not a quote: it is the message), then the signer block.
    blocks: [p(body), p([signers, about].filter(Boolean).join(' ')), ...(sentBy ? [p(sentBy)] : [])],
  };
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

import { shareLinks, shareText, type ShareNetwork, type ShareSubject } from '../../common/share-links.js';
import type { MailLocale, TemplateData } from './data.js';
import { defineTemplate, facts, greeting, link, list, p, type Block } from './layout.js';

/**
 * The short thank-you after signing a letter or pledging (issue 21's "mail people recognise"), from
 * the organization's sender name with its reply-to. It shows only what the form had (the first name
 * typed, the amount pledged) and public facts of the campaign — never a stored record's fields — and
 * proposes the campaign's next open action (the same one the thank-you page shows) and share links.
 */
export interface ActionThanksData extends NextStepMailData {
  /** As typed in the form. */
  firstName?: string;
  /** `letter` (a signature) or `pledge`. */
  action: string;
  /** For a pledge: support, sign, attend, volunteer, donate, share. */
  pledgeKind?: string;
  /** The letter's title, or the campaign's for a pledge. */
  title: string;
  campaignTitle: string;
  /** The page to share (the letter, or the campaign). */
  shareUrl: string;
  /** The pledged amount, already formatted with its code ("MXN 1,500"). */
  amount?: string;
  /** How to give, one line each, already in the mail's language (donate pledges; else empty). */
  giving: string[];
}

const PLEDGE = {
  en: {
    support: 'to support the workers',
    sign: 'to sign the letters',
    attend: 'to attend an action',
    volunteer: 'to volunteer',
    donate: 'to give to the strike fund',
    share: 'to share the campaign',
  },
  es: {
    support: 'de apoyar a las y los trabajadores',
    sign: 'de firmar las cartas',
    attend: 'de asistir a una acción',
    volunteer: 'de participar como voluntario o voluntaria',
    donate: 'de donar al fondo de huelga',
    share: 'de difundir la campaña',
  },
} as const;

const NETWORK: Record<ShareNetwork, string> = {
  whatsapp: 'WhatsApp',
  facebook: 'Facebook',
  x: 'X',
  telegram: 'Telegram',
  email: 'Email',
};

/** The next step's fields (NextStepService), optional in every mail that proposes one. */
export interface NextStepMailData {
  nextKind?: string;
  nextTitle?: string;
  nextUrl?: string;
  nextWhen?: string;
}

/**
 * The end of every mail after an action: the campaign's next open action (a button) and share links
 * in the reader's order (WhatsApp first in Spanish), with a message prefilled in the mail's language.
 */
export function nextAndShare(
  d: TemplateData,
  locale: MailLocale,
  share: { subject: ShareSubject; title: string; url: string },
): Block[] {
  const en = locale === 'en';
  const blocks: Block[] = [];
  const nextKind = d.optStr('nextKind');
  const nextUrl = d.optUrl('nextUrl');
  const nextTitle = d.optStr('nextTitle');
  const nextWhen = d.optStr('nextWhen');
  if (nextKind && nextUrl && nextTitle) {
    const label =
      nextKind === 'letter'
        ? en
          ? `Next: sign “${nextTitle}”`
          : `Lo que sigue: firma “${nextTitle}”`
        : nextKind === 'event'
          ? en
            ? `Next: come to “${nextTitle}”`
            : `Lo que sigue: ven a “${nextTitle}”`
          : en
            ? 'Next: make a pledge'
            : 'Lo que sigue: haz un compromiso';
    blocks.push(link(label, nextUrl));
    if (nextWhen) blocks.push(facts([en ? 'When' : 'Cuándo', nextWhen]));
  }
  blocks.push(
    p(en ? 'Pass it on — it takes a minute:' : 'Compártelo, toma un minuto:'),
    ...shareLinks(locale, shareText(locale, share.subject, share.title), share.url)
      .slice(0, 4)
      .map((s) => link(NETWORK[s.network], s.href)),
  );
  return blocks;
}

export const actionThanks = defineTemplate('action-thanks', (d, locale) => {
  const en = locale === 'en';
  const action = d.str('action') === 'letter' ? 'letter' : 'pledge';
  const title = d.str('title');
  const campaign = d.str('campaignTitle');
  const shareUrl = d.url('shareUrl');
  const amount = d.optStr('amount');
  const kind = d.optStr('pledgeKind') ?? 'support';
  const promise = PLEDGE[locale][kind as keyof (typeof PLEDGE)['en']] ?? PLEDGE[locale].support;
  const giving = d.strList('giving');
  const intro =
    action === 'letter'
      ? en
        ? `Thank you for signing “${title}”. Your name is counted with everyone else’s and goes with the letter.`
        : `Gracias por firmar “${title}”. Tu firma se suma a las demás y va con la carta.`
      : en
        ? `Thank you for your pledge ${promise}${amount ? ` (${amount})` : ''} in “${campaign}”.`
        : `Gracias por tu compromiso ${promise}${amount ? ` (${amount})` : ''} en “${campaign}”.`;
  const blocks: Block[] = [p(intro)];
  if (giving.length) blocks.push(p(en ? 'How to give:' : 'Cómo donar:'), list(giving));
  blocks.push(
    ...nextAndShare(d, locale, {
      subject: action,
      title: action === 'letter' ? title : campaign,
      url: shareUrl,
    }),
  );
  return {
    subject:
      action === 'letter'
        ? en
          ? `Thank you for signing: ${title}`
          : `Gracias por firmar: ${title}`
        : en
          ? `Thank you for your pledge: ${campaign}`
          : `Gracias por tu compromiso: ${campaign}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks,
  };
});

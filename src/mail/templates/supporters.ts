import { defineTemplate, facts, greeting, link, list, p, quantity } from './layout.js';

/** The answer to a supporter who asked for their data: one link to download or erase it. */
export interface DataRequestData {
  firstName?: string;
  /** The page where the supporter downloads or erases their data. */
  url: string;
  /** How long the link works. */
  expiresInHours: number;
}

/** Follows up an open "donate" pledge. */
export interface PledgeFollowupData {
  firstName?: string;
  campaignTitle: string;
  donateUrl: string;
  /** The pledged amount, already formatted with its currency ("US$25.00"). */
  amount?: string;
}

export const dataRequest = defineTemplate('data-request', (d, locale) => {
  const url = d.url('url');
  const hours = quantity(d.count('expiresInHours'), 'hour', locale);
  const en = locale === 'en';
  return {
    subject: en ? 'Your data on Puente' : 'Tus datos en Puente',
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        en
          ? 'We received a request for the personal data Puente holds about you. With this link you can download it or have it erased.'
          : 'Recibimos una solicitud de los datos personales que Puente guarda sobre ti. Con este enlace puedes descargarlos o pedir que se borren.',
      ),
      link(en ? 'Download or erase my data' : 'Descargar o borrar mis datos', url),
      p(
        en
          ? `The link expires in ${hours}. Do not forward this email: the link opens your data.`
          : `El enlace caduca en ${hours}. No reenvíes este correo: el enlace da acceso a tus datos.`,
      ),
      p(
        en
          ? 'If you did not ask for this, you can ignore this email: nothing happens without the link.'
          : 'Si no lo pediste, puedes ignorar este correo: sin el enlace no pasa nada.',
      ),
    ],
  };
});

export const pledgeFollowup = defineTemplate('pledge-followup', (d, locale) => {
  const campaign = d.str('campaignTitle');
  const donateUrl = d.url('donateUrl');
  const amount = d.optStr('amount');
  const en = locale === 'en';
  const thanks = en
    ? amount
      ? `Thank you for pledging ${amount} to “${campaign}”.`
      : `Thank you for pledging to donate to “${campaign}”.`
    : amount
      ? `Gracias por comprometerte a donar ${amount} a “${campaign}”.`
      : `Gracias por comprometerte a donar a “${campaign}”.`;
  return {
    subject: en ? `Your pledge to ${campaign}` : `Tu compromiso con ${campaign}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        `${thanks} ${en ? "When you're ready, you can make your donation here:" : 'Cuando puedas, haz tu donación aquí:'}`,
      ),
      link(en ? 'Donate now' : 'Donar ahora', donateUrl),
      p(
        en
          ? "Every contribution helps the workers keep up the fight. If you've already given, thank you, and please ignore this message."
          : 'Cada aporte ayuda a sostener la lucha de las y los trabajadores. Si ya donaste, gracias: ignora este mensaje.',
      ),
      facts([en ? 'Campaign' : 'Campaña', campaign]),
    ],
  };
});

/** A known supporter's form asked to change their details (or to subscribe again): confirm by link. */
export interface DetailsUpdateData {
  firstName?: string;
  /** The requested changes, one line each, already in the mail's language ("City: León"). */
  changes: string[];
  /** The page that shows and applies them. */
  url: string;
  expiresInDays: number;
}

export const detailsUpdate = defineTemplate('details-update', (d, locale) => {
  const url = d.url('url');
  const changes = d.strList('changes');
  const days = quantity(d.count('expiresInDays'), 'day', locale);
  const en = locale === 'en';
  return {
    subject: en ? 'Confirm the change to your details' : 'Confirma el cambio de tus datos',
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        en
          ? 'Thank you for taking action. The form you sent asked to change the details we hold for this email address to:'
          : 'Gracias por participar. El formulario que enviaste pidió cambiar los datos que guardamos para esta dirección de correo a:',
      ),
      list(changes),
      p(
        en
          ? 'Nothing changes until you confirm. Your action itself is counted either way.'
          : 'Nada cambia hasta que lo confirmes. Tu acción cuenta de todos modos.',
      ),
      link(en ? 'Update my details' : 'Actualizar mis datos', url),
      p(
        en
          ? `The link works for ${days}. If it was not you, ignore this email: nothing will change.`
          : `El enlace funciona durante ${days}. Si no fuiste tú, ignora este correo: nada cambiará.`,
      ),
    ],
  };
});

import { defineTemplate, link, p, quantity } from './layout.js';

/** An invitation to join an organization's team (or one campaign's) in the console. */
export interface StaffInvitationData {
  organizationName: string;
  /** The campaign, when the invitation is for one campaign only. */
  campaignTitle?: string;
  inviterName?: string;
  role: string;
  /** The page where the invited person sets a name and password (or signs in) to accept. */
  url: string;
  expiresInDays: number;
}

export const staffInvitation = defineTemplate('staff-invitation', (d, locale) => {
  const org = d.str('organizationName');
  const campaign = d.optStr('campaignTitle');
  const inviter = d.optStr('inviterName');
  const role = d.str('role');
  const url = d.url('url');
  const days = quantity(d.count('expiresInDays'), 'day', locale);
  const en = locale === 'en';
  const roleName = en
    ? role === 'organizer'
      ? 'an organizer'
      : 'a coordinator'
    : role === 'organizer'
      ? 'organizador(a)'
      : 'coordinador(a)';
  const where = campaign ? (en ? `“${campaign}” (${org})` : `“${campaign}” (${org})`) : org;
  return {
    subject: en ? `Join ${org} on Puente` : `Únete a ${org} en Puente`,
    blocks: [
      p(
        en
          ? `${inviter ?? 'A teammate'} invited you to work on ${where} as ${roleName}.`
          : `${inviter ?? 'Una persona del equipo'} te invitó a colaborar en ${where} como ${roleName}.`,
      ),
      link(en ? 'Accept the invitation' : 'Aceptar la invitación', url),
      p(
        en
          ? `The link works once and expires in ${days}. If you did not expect this, ignore this email.`
          : `El enlace funciona una sola vez y caduca en ${days}. Si no lo esperabas, ignora este correo.`,
      ),
    ],
  };
});

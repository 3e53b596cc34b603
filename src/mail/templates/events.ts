import type { MailLocale, TemplateData } from './data.js';
import {
  defineTemplate,
  facts,
  formatCount,
  formatDuration,
  greeting,
  link,
  p,
  type Block,
} from './layout.js';
import { nextAndShare, type NextStepMailData } from './thanks.js';

/** What every mail about an event says. Strings are already in the recipient's language and the event's zone. */
export interface EventMailData {
  firstName?: string;
  eventTitle: string;
  /** Local date and time, rendered by the caller: "Saturday, March 14, 2026, 11:00 AM EDT". */
  when: string;
  /** Venue and address, or "Online" / "En línea". */
  place: string;
  /** Link to join an online event. */
  onlineUrl?: string;
  /** The supporter's own link to change or cancel the RSVP. */
  manageUrl: string;
}

/** What a confirmation confirms: the RSVP's state when the mail is made. */
export type RsvpConfirmationState = 'going' | 'waitlisted' | 'offered' | 'pending' | 'cancelled';

export interface RsvpConfirmationData extends EventMailData, NextStepMailData {
  /** The public event page to share; with it, the mail ends with the next step and share links. */
  shareUrl?: string;
  /** The RSVP is on the waitlist rather than going (kept for mails queued before `state`). */
  waitlisted?: boolean;
  /** The RSVP's state; without it, `waitlisted` decides between going and waitlisted. */
  state?: RsvpConfirmationState;
  guests?: number;
}

export interface EventReminderData extends EventMailData {
  /** Minutes from now until the start, rendered as "in 24 hours" / "en 24 horas". */
  startsInMinutes: number;
}

export interface EventChangedData extends EventMailData {
  /** A word from the organizers about what changed. */
  note?: string;
}

export interface EventCancelledData {
  firstName?: string;
  eventTitle: string;
  when: string;
  place?: string;
  note?: string;
  /** The campaign's public page, for what comes next. */
  campaignUrl?: string;
}

export interface WaitlistOfferData extends Omit<EventMailData, 'manageUrl'> {
  /** Link that takes the freed seat. */
  claimUrl: string;
  /** Until when the seat is held, rendered by the caller in the event's zone. */
  expiresAt: string;
}

const L = {
  en: {
    event: 'Event',
    when: 'When',
    where: 'Where',
    guests: 'Guests',
    joinOnline: 'Join online',
    manage: 'Manage your RSVP',
    note: 'Message from the organizers',
  },
  es: {
    event: 'Evento',
    when: 'Cuándo',
    where: 'Dónde',
    guests: 'Acompañantes',
    joinOnline: 'Entrar al evento en línea',
    manage: 'Gestionar tu asistencia',
    note: 'Mensaje de los organizadores',
  },
} as const;

interface EventFacts {
  title: string;
  when: string;
  place?: string;
  onlineUrl?: string;
}

function eventFacts(d: TemplateData, placeRequired = true): EventFacts {
  return {
    title: d.str('eventTitle'),
    when: d.str('when'),
    place: placeRequired ? d.str('place') : d.optStr('place'),
    onlineUrl: d.optUrl('onlineUrl'),
  };
}

function factsBlock(e: EventFacts, locale: MailLocale, extra: [string, string | undefined][] = []): Block {
  const l = L[locale];
  return facts([l.event, e.title], [l.when, e.when], [l.where, e.place], ...extra);
}

function online(e: EventFacts, locale: MailLocale): Block[] {
  return e.onlineUrl ? [link(L[locale].joinOnline, e.onlineUrl)] : [];
}

function note(d: TemplateData, locale: MailLocale): Block[] {
  const text = d.optStr('note');
  return text ? [p(`${L[locale].note}:\n${text}`)] : [];
}

const CONFIRMATION: Record<MailLocale, Record<RsvpConfirmationState, { subject: string; intro: string }>> = {
  en: {
    going: { subject: 'RSVP confirmed', intro: 'Thank you for your RSVP. See you there!' },
    waitlisted: {
      subject: "You're on the waitlist",
      intro:
        "The event is full for now, so you're on the waitlist. If a spot opens up, we'll email you a link to claim it.",
    },
    offered: {
      subject: 'A spot is held for you',
      intro: 'A spot opened up and is held for you for a while: claim it with the link below.',
    },
    pending: {
      subject: 'RSVP received, awaiting approval',
      intro:
        "The organizers approve every RSVP to this event themselves. We'll email you once yours is approved; the address comes with that mail.",
    },
    cancelled: {
      subject: 'Your RSVP is cancelled',
      intro:
        "Someone — maybe you — RSVPed with this email address to an event where your RSVP is cancelled. It stays cancelled. If you want to come back, open the link below and choose to RSVP again. If it wasn't you, ignore this mail.",
    },
  },
  es: {
    going: {
      subject: 'Confirmación de asistencia',
      intro: 'Gracias por confirmar tu asistencia. ¡Nos vemos allí!',
    },
    waitlisted: {
      subject: 'Estás en la lista de espera',
      intro:
        'Por ahora el evento está lleno, así que estás en la lista de espera. Si se libera un lugar, te enviaremos un enlace para reservarlo.',
    },
    offered: {
      subject: 'Hay un lugar apartado para ti',
      intro: 'Se liberó un lugar y está apartado para ti por un tiempo: tómalo con el enlace de abajo.',
    },
    pending: {
      subject: 'Recibimos tu confirmación, pendiente de aprobación',
      intro:
        'Los organizadores aprueban cada confirmación a este evento. Te escribiremos cuando la tuya esté aprobada; la dirección llega con ese correo.',
    },
    cancelled: {
      subject: 'Tu asistencia está cancelada',
      intro:
        'Alguien —quizá tú— confirmó asistencia con este correo a un evento en el que tu asistencia está cancelada. Sigue cancelada. Si quieres volver, abre el enlace de abajo y confirma de nuevo. Si no fuiste tú, ignora este correo.',
    },
  },
};

export const rsvpConfirmation = defineTemplate('rsvp-confirmation', (d, locale) => {
  const e = eventFacts(d);
  const given = d.optStr('state');
  const state: RsvpConfirmationState =
    given && given in CONFIRMATION.en
      ? (given as RsvpConfirmationState)
      : d.optBool('waitlisted')
        ? 'waitlisted'
        : 'going';
  const guests = d.optCount('guests');
  const manageUrl = d.url('manageUrl');
  const shareUrl = d.optUrl('shareUrl');
  const guestFact: [string, string | undefined] = [
    L[locale].guests,
    guests ? formatCount(guests, locale) : undefined,
  ];
  const { subject, intro } = CONFIRMATION[locale][state];
  const keep =
    locale === 'en'
      ? 'With this link you can change your number of guests or cancel. Keep it to yourself: anyone who has it can change your RSVP.'
      : 'Con este enlace puedes cambiar el número de acompañantes o cancelar. No lo compartas: cualquiera que lo tenga puede cambiar tu confirmación.';
  return {
    subject: `${subject}: ${e.title}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(intro),
      factsBlock(e, locale, [guestFact]),
      ...online(e, locale),
      link(L[locale].manage, manageUrl),
      p(keep),
      ...(shareUrl && state !== 'cancelled'
        ? nextAndShare(d, locale, { subject: 'event', title: e.title, url: shareUrl })
        : []),
    ],
  };
});

export const eventReminder = defineTemplate('event-reminder', (d, locale) => {
  const e = eventFacts(d);
  const startsIn = formatDuration(d.count('startsInMinutes'), locale);
  const manageUrl = d.url('manageUrl');
  const en = locale === 'en';
  return {
    subject: en
      ? `Your reminder: ${e.title} starts in ${startsIn}`
      : `Tu recordatorio: ${e.title} empieza en ${startsIn}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(en ? `${e.title} starts in ${startsIn}.` : `${e.title} empieza en ${startsIn}.`),
      factsBlock(e, locale),
      ...online(e, locale),
      p(
        en
          ? "Can't make it anymore? Cancel your RSVP so someone on the waitlist can take your spot."
          : '¿Ya no puedes ir? Cancela tu asistencia para que alguien de la lista de espera ocupe tu lugar.',
      ),
      link(L[locale].manage, manageUrl),
    ],
  };
});

export const eventChanged = defineTemplate('event-changed', (d, locale) => {
  const e = eventFacts(d);
  const manageUrl = d.url('manageUrl');
  const en = locale === 'en';
  return {
    subject: en ? `Event updated: ${e.title}` : `Cambios en el evento: ${e.title}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        en
          ? 'The organizers changed the details of this event. Here they are, up to date:'
          : 'Los organizadores cambiaron los datos de este evento. Estos son los datos actualizados:',
      ),
      factsBlock(e, locale),
      ...note(d, locale),
      ...online(e, locale),
      p(
        en
          ? 'If you can no longer come, please cancel your RSVP.'
          : 'Si ya no puedes asistir, cancela tu asistencia, por favor.',
      ),
      link(L[locale].manage, manageUrl),
    ],
  };
});

export const eventCancelled = defineTemplate('event-cancelled', (d, locale) => {
  const e = eventFacts(d, false);
  const campaignUrl = d.optUrl('campaignUrl');
  const en = locale === 'en';
  return {
    subject: en ? `Event cancelled: ${e.title}` : `Evento cancelado: ${e.title}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(en ? "We're sorry: this event has been cancelled." : 'Lo sentimos: este evento se canceló.'),
      factsBlock(e, locale),
      ...note(d, locale),
      p(
        en
          ? "Thank you for being ready to show up. We'll let you know about the next action."
          : 'Gracias por tu disposición. Te avisaremos de la próxima acción.',
      ),
      ...(campaignUrl ? [link(en ? 'See the campaign' : 'Ver la campaña', campaignUrl)] : []),
    ],
  };
});

export const waitlistOffer = defineTemplate('waitlist-offer', (d, locale) => {
  const e = eventFacts(d);
  const claimUrl = d.url('claimUrl');
  const expiresAt = d.str('expiresAt');
  const en = locale === 'en';
  return {
    subject: en ? `A spot opened up: ${e.title}` : `Se liberó un lugar: ${e.title}`,
    greeting: greeting(locale, d.optStr('firstName')),
    blocks: [
      p(
        en
          ? "Good news: a spot opened up at this event and we're holding it for you for a limited time."
          : 'Buenas noticias: se liberó un lugar en este evento y te lo guardamos por tiempo limitado.',
      ),
      factsBlock(e, locale, [[en ? 'Claim it by' : 'Confírmalo antes de', expiresAt]]),
      link(en ? 'Claim your spot' : 'Reservar mi lugar', claimUrl),
      p(
        en
          ? "If you don't claim it in time, the spot goes to the next person on the waitlist."
          : 'Si no lo confirmas a tiempo, el lugar pasará a la siguiente persona de la lista de espera.',
      ),
    ],
  };
});

import { bulletin, type BulletinData } from './bulletins.js';
import { TemplateDataError, type MailLocale } from './data.js';
import { dailyDigest, type DailyDigestData } from './digest.js';
import {
  eventCancelled,
  eventChanged,
  eventReminder,
  rsvpConfirmation,
  waitlistOffer,
  type EventCancelledData,
  type EventChangedData,
  type EventReminderData,
  type RsvpConfirmationData,
  type WaitlistOfferData,
} from './events.js';
import {
  deadlineReminder,
  letterDelivery,
  type DeadlineReminderData,
  type LetterDeliveryData,
} from './letters.js';
import { actionThanks, type ActionThanksData } from './thanks.js';
import type { RenderedMail, RenderOptions, TemplateFn } from './layout.js';
import { staffInvitation, type StaffInvitationData } from './staff.js';
import {
  dataRequest,
  detailsUpdate,
  pledgeFollowup,
  type DataRequestData,
  type DetailsUpdateData,
  type PledgeFollowupData,
} from './supporters.js';

export type { MailLocale } from './data.js';
export { TemplateDataError } from './data.js';
export type { RenderedMail, RenderOptions, TemplateFn } from './layout.js';
export type * from './bulletins.js';
export type * from './digest.js';
export type * from './events.js';
export type * from './letters.js';
export type * from './staff.js';
export type * from './supporters.js';
export type * from './thanks.js';

/** Every email Puente sends, by name. Each renders in English and Spanish, as text and HTML. */
export const TEMPLATES = {
  'data-request': dataRequest,
  'rsvp-confirmation': rsvpConfirmation,
  'event-reminder': eventReminder,
  'event-changed': eventChanged,
  'event-cancelled': eventCancelled,
  'waitlist-offer': waitlistOffer,
  'letter-delivery': letterDelivery,
  'deadline-reminder': deadlineReminder,
  'pledge-followup': pledgeFollowup,
  'daily-digest': dailyDigest,
  'staff-invitation': staffInvitation,
  'details-update': detailsUpdate,
  bulletin,
  'action-thanks': actionThanks,
} satisfies Record<string, TemplateFn>;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/**
 * The data each template reads. `MailService.send` takes a plain record (and checks it as it renders);
 * write `data: {...} satisfies TemplateDataMap['rsvp-confirmation']` to have the compiler check it too.
 */
export interface TemplateDataMap {
  'data-request': DataRequestData;
  'rsvp-confirmation': RsvpConfirmationData;
  'event-reminder': EventReminderData;
  'event-changed': EventChangedData;
  'event-cancelled': EventCancelledData;
  'waitlist-offer': WaitlistOfferData;
  'letter-delivery': LetterDeliveryData;
  'deadline-reminder': DeadlineReminderData;
  'pledge-followup': PledgeFollowupData;
  'daily-digest': DailyDigestData;
  'staff-invitation': StaffInvitationData;
  'details-update': DetailsUpdateData;
  bulletin: BulletinData;
  'action-thanks': ActionThanksData;
}

export function isTemplateName(name: unknown): name is TemplateName {
  return typeof name === 'string' && Object.hasOwn(TEMPLATES, name);
}

/** Renders `name` in `locale`; throws TemplateDataError when the data lacks a field or has a wrong one. */
export function renderTemplate(
  name: TemplateName,
  data: Record<string, unknown>,
  locale: MailLocale,
  options: RenderOptions = {},
): RenderedMail {
  if (!isTemplateName(name)) throw new TemplateDataError(String(name), '', 'is not a known template');
  return TEMPLATES[name](data ?? {}, locale, options);
}

import { RSVP_STATUSES } from '../../events/rsvp.entity.js';
import { DELIVERY_METHODS } from '../../letters/delivery.entity.js';
import { en } from './en.js';
import { es } from './es.js';
import { hasKey, labelOf, pluralWord, translator } from './index.js';

/** Values that are the same word in both languages on purpose (names, brands). */
const SAME_IN_BOTH = new Set([
  'site.name',
  'admin.sector',
  'share.whatsapp',
  'share.x',
  'share.facebook',
  'share.telegram',
  'event.calendar.google',
  'event.calendar.outlook',
]);

describe('web translations', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of [...Object.entries(en), ...Object.entries(es)]) {
      expect([k, typeof v === 'string' && v.trim().length > 0]).toEqual([k, true]);
    }
  });

  it('leaves no Spanish value equal to its English one unless whitelisted', () => {
    const same = Object.keys(en).filter(
      (k) => en[k as keyof typeof en] === es[k as keyof typeof es] && !SAME_IN_BOTH.has(k),
    );
    expect(same).toEqual([]);
  });

  it('keeps the same {placeholders} in both languages', () => {
    const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect([k, vars(es[k])]).toEqual([k, vars(en[k])]);
    }
  });

  it('chooses singular or plural with Intl.PluralRules', () => {
    expect(pluralWord('es', 'signatures', 1)).toBe('firma');
    expect(pluralWord('es', 'signatures', 2)).toBe('firmas');
    expect(pluralWord('es', 'signatures', 0)).toBe('firmas');
    expect(pluralWord('en', 'signatures', 1)).toBe('signature');
    expect(pluralWord('en', 'signatures', 2)).toBe('signatures');
    expect(pluralWord('en', 'spots', 1)).toBe('spot left');
    // es-MX "many" (1 000 000) falls back to the plural form.
    expect(pluralWord('es', 'donors', 1_000_000)).toBe('donantes');
  });

  it('labels every status, method and kind the pages show, in both languages', () => {
    const groups: Record<string, readonly string[]> = {
      'status.campaign': ['draft', 'active', 'won', 'lost', 'archived'],
      'status.letter': ['draft', 'open', 'closed'],
      'status.event': ['scheduled', 'cancelled', 'completed'],
      'status.fundraiser': ['open', 'closed'],
      'status.rsvp': RSVP_STATUSES,
      'rsvp.status': RSVP_STATUSES,
      'status.reminder': ['pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped', 'expired'],
      'status.message': ['queued', 'sent', 'failed', 'abandoned'],
      method: ['cash', 'check', 'transfer', 'card', 'other'],
      role: ['admin', 'organizer', 'coordinator'],
      targetKind: ['government', 'corporate', 'other'],
      pledge: ['support', 'sign', 'attend', 'volunteer', 'donate', 'share'],
      'event.kind': ['protest', 'rally', 'picket', 'meeting', 'online', 'other'],
      deliveryMethod: DELIVERY_METHODS,
      mailStatus: ['queued', 'sent', 'failed'],
      reminderKind: [
        'event-reminder',
        'rsvp-confirmation',
        'waitlist-offer',
        'event-changed',
        'event-cancelled',
        'deadline-reminder',
        'letter-delivery',
        'pledge-followup',
        'daily-digest',
        'data-request',
        'details-update',
        'staff-invitation',
      ],
    };
    for (const [group, values] of Object.entries(groups)) {
      for (const v of values) expect([group, v, hasKey(`${group}.${v}`)]).toEqual([group, v, true]);
    }
    expect(labelOf(translator('es'), 'method', 'cash')).toBe('Efectivo');
    expect(labelOf(translator('es'), 'status.rsvp', 'waitlisted')).toBe('En lista de espera');
  });
});

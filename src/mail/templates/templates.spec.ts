import { MAIL_LOCALES, type MailLocale } from './data.js';
import { formatDuration } from './layout.js';
import {
  renderTemplate,
  TEMPLATE_NAMES,
  TemplateDataError,
  type TemplateDataMap,
  type TemplateName,
} from './templates.js';

const event = {
  firstName: 'Ana',
  eventTitle: 'Piquete en la sede de GM',
  when: 'sábado 14 de marzo de 2026, 11:00 (hora de Detroit)',
  place: 'GM Renaissance Center, 100 Renaissance Center, Detroit, MI',
  onlineUrl: 'https://meet.example.org/gm-silao',
  manageUrl: 'https://puente.example.org/r/tok123',
};

/** Every field each template reads, filled. */
const FULL: { [K in TemplateName]: TemplateDataMap[K] } = {
  bulletin: {
    subject: 'Noticias de Silao',
    html: '<p>Hola, Ana</p>',
    text: 'Hola, Ana',
    webUrl: 'https://puente.example.org/o/comite/bulletins/b1',
  },
  'action-thanks': {
    firstName: 'Ana',
    action: 'pledge',
    pledgeKind: 'donate',
    title: 'Sindicato independiente en GM Silao',
    campaignTitle: 'Sindicato independiente en GM Silao',
    shareUrl: 'https://puente.example.org/c/gm-silao',
    amount: 'MXN 1,500',
    giving: ['MXN · Depósito en OXXO: tarjeta 4152 3136 0000 0000'],
    nextKind: 'event',
    nextTitle: 'Piquete en la sede de GM',
    nextUrl: 'https://puente.example.org/c/gm-silao/events/piquete',
    nextWhen: event.when,
  },
  'data-request': { firstName: 'Ana', url: 'https://puente.example.org/data/tok', expiresInHours: 24 },
  'rsvp-confirmation': {
    ...event,
    guests: 2,
    waitlisted: false,
    shareUrl: 'https://puente.example.org/c/gm-silao/events/piquete',
    nextKind: 'letter',
    nextTitle: 'Carta al DOL',
    nextUrl: 'https://puente.example.org/c/gm-silao/letters/dol',
  },
  'event-reminder': { ...event, startsInMinutes: 1440 },
  'event-changed': { ...event, note: 'Nos movemos a la entrada norte.' },
  'event-cancelled': {
    firstName: 'Ana',
    eventTitle: event.eventTitle,
    when: event.when,
    place: event.place,
    note: 'Se pospone por la tormenta.',
    campaignUrl: 'https://puente.example.org/c/gm-silao',
  },
  'waitlist-offer': {
    firstName: 'Ana',
    eventTitle: event.eventTitle,
    when: event.when,
    place: event.place,
    claimUrl: 'https://puente.example.org/claim/tok',
    expiresAt: 'viernes 13 de marzo, 23:00',
  },
  'letter-delivery': {
    letterSubject: 'Solicitud de revisión bajo el Mecanismo Laboral de Respuesta Rápida',
    letterBody: 'Estimada Embajadora Tai:\n\nLe escribimos para pedir una revisión.\nAtentamente,',
    signatureCount: 1234,
    campaignTitle: 'Sindicato independiente en GM Silao',
    organizationName: 'Comité de Solidaridad GM Silao',
    replyTo: 'comite@example.org',
  },
  'deadline-reminder': {
    firstName: 'Ana',
    letterTitle: 'Carta a la USTR',
    deadline: '20 de marzo de 2026',
    signUrl: 'https://puente.example.org/c/gm-silao/letters/ustr',
    campaignTitle: 'Sindicato independiente en GM Silao',
  },
  'pledge-followup': {
    firstName: 'Ana',
    campaignTitle: 'Sindicato independiente en GM Silao',
    donateUrl: 'https://puente.example.org/c/gm-silao/give',
    amount: 'MX$500.00',
  },
  'daily-digest': {
    campaignTitle: 'Sindicato independiente en GM Silao',
    date: '3 de marzo de 2026',
    pledges: 12,
    signatures: 1520,
    rsvps: 7,
    moneyLines: ['US$1,250.00 received', 'MX$8,000.00 pledged'],
    dashboardUrl: 'https://puente.example.org/console/campaigns/1',
  },
  'details-update': {
    firstName: 'Ana',
    changes: ['Ciudad: León', 'Idioma: español'],
    url: 'https://puente.example.org/my-details/tok',
    expiresInDays: 7,
  },
  'staff-invitation': {
    organizationName: 'Comité de Solidaridad GM Silao',
    campaignTitle: 'Sindicato independiente en GM Silao',
    inviterName: 'María',
    role: 'coordinator',
    url: 'https://puente.example.org/invitations/tok',
    expiresInDays: 7,
  },
};

/** Only what each template requires. */
const MINIMAL: { [K in TemplateName]: TemplateDataMap[K] } = {
  bulletin: { subject: 'News', html: '<p>News</p>', text: 'News' },
  'action-thanks': {
    action: 'letter',
    title: 'Carta al DOL',
    campaignTitle: 'GM Silao',
    shareUrl: 'https://puente.example.org/c/gm-silao/letters/dol',
    giving: [],
  },
  'data-request': { url: 'https://puente.example.org/data/tok', expiresInHours: 1 },
  'details-update': {
    changes: ['City: León'],
    url: 'https://puente.example.org/my-details/tok',
    expiresInDays: 1,
  },
  'staff-invitation': {
    organizationName: 'Comité',
    role: 'organizer',
    url: 'https://puente.example.org/invitations/tok',
    expiresInDays: 1,
  },
  'rsvp-confirmation': {
    eventTitle: 'Rally',
    when: 'March 14, 11:00 AM',
    place: 'Detroit',
    manageUrl: event.manageUrl,
  },
  'event-reminder': {
    eventTitle: 'Rally',
    when: 'March 14, 11:00 AM',
    place: 'Detroit',
    manageUrl: event.manageUrl,
    startsInMinutes: 0,
  },
  'event-changed': {
    eventTitle: 'Rally',
    when: 'March 14, 11:00 AM',
    place: 'Detroit',
    manageUrl: event.manageUrl,
  },
  'event-cancelled': { eventTitle: 'Rally', when: 'March 14, 11:00 AM' },
  'waitlist-offer': {
    eventTitle: 'Rally',
    when: 'March 14, 11:00 AM',
    place: 'Detroit',
    claimUrl: 'https://puente.example.org/claim/tok',
    expiresAt: 'March 13, 11:00 PM',
  },
  'letter-delivery': { letterSubject: 'A letter', letterBody: 'Dear Secretary,', signatureCount: 0 },
  'deadline-reminder': {
    letterTitle: 'Letter',
    deadline: 'March 20',
    signUrl: 'https://puente.example.org/s',
  },
  'pledge-followup': { campaignTitle: 'GM Silao', donateUrl: 'https://puente.example.org/give' },
  'daily-digest': { campaignTitle: 'GM Silao', pledges: 0, signatures: 0, rsvps: 0, moneyLines: [] },
};

const UNSUBSCRIBE = 'https://puente.example.org/unsubscribe/tok';

const render = (name: TemplateName, data: object, locale: MailLocale, unsubscribeUrl?: string) =>
  renderTemplate(name, data as Record<string, unknown>, locale, { unsubscribeUrl });

function textOfHtml(html: string): string {
  return html.replace(/<[^>]*>/g, ' ');
}

describe('mail templates', () => {
  const cases = TEMPLATE_NAMES.flatMap((name) =>
    MAIL_LOCALES.flatMap((locale) => [
      { name, locale, data: FULL[name] as object, kind: 'full data' },
      { name, locale, data: MINIMAL[name] as object, kind: 'required data only' },
    ]),
  );

  it.each(cases)(
    '$name renders in $locale with $kind: subject, text and HTML, no holes',
    ({ name, locale, data }) => {
      const out = render(name, data, locale, UNSUBSCRIBE);
      for (const part of [out.subject, out.text, out.html]) {
        expect(part).not.toMatch(/undefined|null|NaN|\{\{|\}\}|\[object/);
        expect(part.trim()).not.toBe('');
      }
      expect(out.subject).not.toMatch(/[\r\n]/);
      // A letter to a target goes out under its organization's name; everything else under Puente's.
      const masthead =
        (name === 'letter-delivery' && (data as { organizationName?: string }).organizationName) || 'Puente';
      expect(out.text.startsWith(`${masthead}\n`)).toBe(true);
      expect(out.html).toContain(`<html lang="${locale}">`);
      expect(out.html).toContain(`>${masthead}</div>`);
    },
  );

  it('has fixtures for every template (and no template without them)', () => {
    expect(Object.keys(FULL).sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  it.each(TEMPLATE_NAMES)('%s has its own English and Spanish text', (name) => {
    expect(render(name, FULL[name], 'es').text).not.toBe(render(name, FULL[name], 'en').text);
  });

  // A delivered letter and a bulletin keep the subject their organizers wrote; every other subject is
  // ours to translate.
  it.each(TEMPLATE_NAMES.filter((n) => n !== 'letter-delivery' && n !== 'bulletin'))(
    '%s has its own English and Spanish subject',
    (name) => {
      expect(render(name, FULL[name], 'es').subject).not.toBe(render(name, FULL[name], 'en').subject);
    },
  );

  it.each(TEMPLATE_NAMES)('%s puts every given value in the mail, in text and in HTML', (name) => {
    const out = render(name, FULL[name], 'es');
    const text = `${out.subject}\n${out.text}`;
    const values = Object.entries(FULL[name]).flatMap(([key, v]) =>
      // Codes the template words (action, kinds), a link it only shares (inside share links), and a
      // bulletin's `html`, the HTML part itself (checked below).
      [
        'waitlisted',
        'startsInMinutes',
        'role',
        'action',
        'pledgeKind',
        'nextKind',
        'shareUrl',
        'html',
      ].includes(key)
        ? []
        : Array.isArray(v)
          ? v
          : [v],
    );
    const html = textOfHtml(out.html).replace(/&amp;/g, '&');
    for (const value of values) {
      const shown = typeof value === 'number' ? new Intl.NumberFormat('es-MX').format(value) : String(value);
      for (const line of shown.split('\n').filter((l) => l.trim())) {
        expect(text).toContain(line);
        expect(html).toContain(line);
      }
    }
  });

  it('puts a bulletin’s rendered HTML in the HTML part as it is, and its text in the text part', () => {
    const data = { ...FULL.bulletin, html: '<p>Hola, <strong>Ana</strong></p>', text: 'Hola, **Ana**' };
    const out = render('bulletin', data, 'es');
    expect(out.html).toContain('<p>Hola, <strong>Ana</strong></p>');
    expect(out.text).toContain('Hola, **Ana**');
    expect(out.text).not.toContain('<strong>');
    expect(out.subject).toBe('Noticias de Silao');
  });

  it('thanks for a signature or a pledge with the next step and share links, WhatsApp first in Spanish', () => {
    const es = render('action-thanks', FULL['action-thanks'], 'es');
    expect(es.subject).toBe('Gracias por tu compromiso: Sindicato independiente en GM Silao');
    expect(es.text).toContain('de donar al fondo de huelga (MXN 1,500)');
    expect(es.text).toContain('Lo que sigue: ven a “Piquete en la sede de GM”');
    expect(es.text.indexOf('WhatsApp')).toBeLessThan(es.text.indexOf('Facebook'));
    expect(es.text).toContain('https://wa.me/?text=');
    const en = render('action-thanks', MINIMAL['action-thanks'], 'en');
    expect(en.subject).toBe('Thank you for signing: Carta al DOL');
    expect(en.text).not.toContain('Next:');
    expect(en.text.indexOf('Facebook')).toBeLessThan(en.text.indexOf('WhatsApp'));
  });

  it('ends an RSVP confirmation with the next step and share links, but not a cancelled one', () => {
    const going = render('rsvp-confirmation', FULL['rsvp-confirmation'], 'es');
    expect(going.text).toContain('Lo que sigue: firma “Carta al DOL”');
    expect(going.text).toContain('https://wa.me/?text=');
    const cancelled = render('rsvp-confirmation', { ...FULL['rsvp-confirmation'], state: 'cancelled' }, 'es');
    expect(cancelled.text).not.toContain('Lo que sigue');
  });

  it('says what state an RSVP confirmation confirms, a cancelled one with the way back', () => {
    const base = FULL['rsvp-confirmation'];
    const subject = (state: string, locale: MailLocale) =>
      render('rsvp-confirmation', { ...base, state }, locale).subject;
    expect(subject('pending', 'en')).toBe('RSVP received, awaiting approval: Piquete en la sede de GM');
    expect(subject('pending', 'es')).toMatch(/^Recibimos tu confirmación, pendiente de aprobación: /);
    expect(subject('cancelled', 'en')).toBe('Your RSVP is cancelled: Piquete en la sede de GM');
    expect(subject('offered', 'en')).toMatch(/^A spot is held for you: /);
    const cancelled = render('rsvp-confirmation', { ...base, state: 'cancelled' }, 'en');
    expect(cancelled.text).toContain('It stays cancelled');
    expect(cancelled.text).toContain(base.manageUrl);
    // An unknown state falls back to `waitlisted`, then going.
    expect(subject('bogus', 'en')).toBe('RSVP confirmed: Piquete en la sede de GM');
  });

  it('writes the Spanish subjects people expect', () => {
    expect(render('rsvp-confirmation', FULL['rsvp-confirmation'], 'es').subject).toBe(
      'Confirmación de asistencia: Piquete en la sede de GM',
    );
    expect(
      render('rsvp-confirmation', { ...FULL['rsvp-confirmation'], waitlisted: true }, 'es').subject,
    ).toBe('Estás en la lista de espera: Piquete en la sede de GM');
    expect(render('event-reminder', FULL['event-reminder'], 'es').subject).toBe(
      'Tu recordatorio: Piquete en la sede de GM empieza en 24 horas',
    );
    expect(render('event-reminder', FULL['event-reminder'], 'en').subject).toBe(
      'Your reminder: Piquete en la sede de GM starts in 24 hours',
    );
    expect(render('event-cancelled', FULL['event-cancelled'], 'es').subject).toBe(
      'Evento cancelado: Piquete en la sede de GM',
    );
    expect(render('letter-delivery', FULL['letter-delivery'], 'es').subject).toBe(
      FULL['letter-delivery'].letterSubject,
    );
  });

  it('greets by first name in each language, and without one when there is none', () => {
    expect(render('pledge-followup', FULL['pledge-followup'], 'es').text).toContain('Hola, Ana:');
    expect(render('pledge-followup', FULL['pledge-followup'], 'en').text).toContain('Hi Ana,');
    expect(render('pledge-followup', MINIMAL['pledge-followup'], 'es').text).toContain('\nHola:\n');
  });

  it('ends a letter with the signer block in the target’s language, the count grouped for it', () => {
    const en = render('letter-delivery', FULL['letter-delivery'], 'en').text;
    expect(en).toContain(
      '1,234 people signed this letter; the list is attached. The signers support the campaign “Sindicato independiente en GM Silao”.',
    );
    expect(en).toContain(
      'Sent on the signers’ behalf by Comité de Solidaridad GM Silao, who will read any reply at comite@example.org.',
    );
    const es = render('letter-delivery', FULL['letter-delivery'], 'es').text;
    expect(es).toContain('1,234 personas firmaron esta carta; la lista va adjunta.');
    expect(es).toContain('Enviada en nombre de quienes firman por Comité de Solidaridad GM Silao');
    expect(
      render('letter-delivery', { ...MINIMAL['letter-delivery'], signatureCount: 1 }, 'es').text,
    ).toContain('1 persona firmó esta carta; la lista va adjunta.');
    expect(
      render('letter-delivery', { ...MINIMAL['letter-delivery'], signatureCount: 1 }, 'en').text,
    ).toContain('1 person signed this letter; the list is attached.');
  });

  it('keeps the paragraphs and line breaks of a letter, in text and HTML', () => {
    const out = render('letter-delivery', FULL['letter-delivery'], 'es');
    expect(out.text).toContain(
      'Estimada Embajadora Tai:\n\nLe escribimos para pedir una revisión.\nAtentamente,',
    );
    expect(out.html).toContain('Le escribimos para pedir una revisión.<br>Atentamente,');
    // A letter brings its own salutation: no "Hola" of ours.
    expect(out.text).not.toContain('Hola');
  });

  it('escapes every value in the HTML part, including links', () => {
    const hostile = '<script>alert("x")</script> & <b>';
    const out = render(
      'rsvp-confirmation',
      { ...FULL['rsvp-confirmation'], firstName: hostile, eventTitle: hostile, place: hostile },
      'en',
      'https://puente.example.org/u?a=1&b="2"',
    );
    expect(out.html).not.toContain('<script>');
    expect(out.html).not.toContain('<b>');
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(out.html).toContain('href="https://puente.example.org/u?a=1&amp;b=&quot;2&quot;"');
    // The text part is plain text: shown as written.
    expect(out.text).toContain(hostile);
  });

  it('shows the unsubscribe link in the footer of both parts only when given', () => {
    const withLink = render('deadline-reminder', FULL['deadline-reminder'], 'es', UNSUBSCRIBE);
    expect(withLink.text).toContain(`Cancelar suscripción: ${UNSUBSCRIBE}`);
    expect(withLink.html).toContain(
      `<a href="${UNSUBSCRIBE}" style="color:#52525b">Cancelar suscripción</a>`,
    );
    const en = render('deadline-reminder', FULL['deadline-reminder'], 'en', UNSUBSCRIBE);
    expect(en.text).toContain(`Unsubscribe: ${UNSUBSCRIBE}`);
    const without = render('deadline-reminder', FULL['deadline-reminder'], 'es');
    expect(without.text).not.toContain('Cancelar suscripción');
    expect(without.html).not.toContain('Cancelar suscripción');
  });

  it('never lets a value break the subject onto a second header line', () => {
    const out = render(
      'event-cancelled',
      { ...MINIMAL['event-cancelled'], eventTitle: 'Rally\r\nBcc: x@y.z' },
      'en',
    );
    expect(out.subject).toBe('Event cancelled: Rally Bcc: x@y.z');
  });

  it('refuses missing or mistyped data, naming the template and field', () => {
    const { manageUrl: _omit, ...noManage } = FULL['rsvp-confirmation'];
    expect(() => render('rsvp-confirmation', noManage, 'en')).toThrow(TemplateDataError);
    expect(() => render('rsvp-confirmation', noManage, 'en')).toThrow(
      'Mail template rsvp-confirmation: data.manageUrl must be a non-empty string',
    );
    expect(() => render('daily-digest', { ...FULL['daily-digest'], pledges: -1 }, 'en')).toThrow(
      /data\.pledges/,
    );
    expect(() => render('daily-digest', { ...FULL['daily-digest'], pledges: 2.5 }, 'en')).toThrow(
      /data\.pledges/,
    );
    expect(() => render('daily-digest', { ...FULL['daily-digest'], moneyLines: [null] }, 'en')).toThrow(
      /data\.moneyLines/,
    );
    expect(() => render('event-reminder', { ...FULL['event-reminder'], when: 42 }, 'en')).toThrow(
      /data\.when/,
    );
  });

  it('accepts only absolute http(s) links', () => {
    for (const bad of ['javascript:alert(1)', '/relative/path', 'data:text/html,x']) {
      expect(() => render('waitlist-offer', { ...FULL['waitlist-offer'], claimUrl: bad }, 'en')).toThrow(
        /data\.claimUrl must be an absolute http\(s\) URL/,
      );
    }
  });

  it('refuses an unknown template name', () => {
    expect(() => renderTemplate('nope' as TemplateName, {}, 'en')).toThrow(TemplateDataError);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'en', '1 minute'],
    [1, 'es', '1 minuto'],
    [45, 'en', '45 minutes'],
    [60, 'en', '1 hour'],
    [90, 'es', '90 minutos'],
    [120, 'es', '2 horas'],
    [1438, 'en', '24 hours'],
    [1440, 'es', '24 horas'],
    [2880, 'es', '2 días'],
    [7 * 1440, 'en', '7 days'],
  ] as const)('%d minutes in %s is "%s"', (minutes, locale, expected) => {
    expect(formatDuration(minutes, locale)).toBe(expected);
  });
});

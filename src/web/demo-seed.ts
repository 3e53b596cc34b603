import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { MembershipService } from '../auth/membership.service.js';
import { UsersService } from '../auth/users.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { EventsService } from '../events/events.service.js';
import { RsvpsService } from '../events/rsvps.service.js';
import { DonationsService } from '../fundraising/donations.service.js';
import { ExchangeRatesService } from '../fundraising/exchange-rates.service.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { SignaturesService } from '../letters/signatures.service.js';
import { TargetsService } from '../letters/targets.service.js';
import { PledgesService, type PledgeKind } from '../supporters/pledges.service.js';

export const DEMO_SLUG = 'gm-silao';
export const DEMO_ORGANIZER = {
  email: 'organizer@demo.puente',
  password: 'demo-organizer-pass',
  name: 'Olga Ruiz',
};
export const DEMO_COORDINATOR = {
  email: 'coordinator@demo.puente',
  password: 'demo-coordinator-pass',
  name: 'Carlos Méndez',
};

const FIRST = [
  'Ana',
  'Luis',
  'María',
  'José',
  'Rosa',
  'Jorge',
  'Elena',
  'Pedro',
  'Sofía',
  'Miguel',
  'Laura',
  'Diego',
];
const LAST = [
  'Peña',
  'García',
  'Hernández',
  'López',
  'Martínez',
  'Smith',
  'Johnson',
  'Brown',
  'Davis',
  'Nguyen',
];
const PLACES: [string, string, string, 'en' | 'es', string][] = [
  ['Silao', 'Guanajuato', 'MX', 'es', 'America/Mexico_City'],
  ['León', 'Guanajuato', 'MX', 'es', 'America/Mexico_City'],
  ['Querétaro', 'Querétaro', 'MX', 'es', 'America/Mexico_City'],
  ['Detroit', 'Michigan', 'US', 'en', 'America/Detroit'],
  ['Flint', 'Michigan', 'US', 'en', 'America/Detroit'],
  ['Chicago', 'Illinois', 'US', 'en', 'America/Chicago'],
  ['Los Angeles', 'California', 'US', 'es', 'America/Los_Angeles'],
];

/**
 * Loads the demo campaign (README, "Quick start with demo data") through the real services (the same paths as the API and pages),
 * only when the database has no campaign. Returns false when it did nothing.
 */
export async function seedDemo(app: INestApplicationContext, now = new Date()): Promise<boolean> {
  const ds = app.get(DataSource);
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM campaigns`)) as { n: number }[];
  if (n > 0) return false;

  const users = app.get(UsersService);
  const org = await users.create({ ...DEMO_ORGANIZER, role: 'organizer' });
  const coord = await users.create({ ...DEMO_COORDINATOR, role: 'coordinator' });
  const actor: AuthUser = { id: org.id, email: org.email, name: org.name, role: 'organizer' };

  // The organization, created as the instance's first admin would; the demo organizer runs it.
  const [admin] = (await ds.query(
    `SELECT id, email, name FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1`,
  )) as { id: string; email: string; name: string }[];
  const organizations = app.get(OrganizationsService);
  const organization = await organizations.create(
    { ...(admin ?? { id: org.id, email: org.email, name: org.name }), role: 'admin' },
    {
      slug: 'comite-solidaridad',
      name: 'Comité de Solidaridad México–EE. UU.',
      defaultLocale: 'es',
      country: 'MX',
      timezone: 'America/Mexico_City',
      senderName: 'Comité de Solidaridad México–EE. UU.',
      replyTo: 'comite@demo.puente',
    },
  );
  await organizations.putMember(null, organization.id, { id: org.id, role: 'organizer' }, 'organizer');

  const campaigns = app.get(CampaignsService);
  const c = await campaigns.create(actor, {
    organizationId: organization.id,
    slug: DEMO_SLUG,
    title: { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' },
    summary: {
      en: 'Workers at the General Motors complex in Silao, Guanajuato, voted out a protection union and are building an independent one. Stand with them from both sides of the border.',
      es: 'Las y los trabajadores del complejo de General Motors en Silao, Guanajuato, votaron contra el sindicato de protección y construyen uno independiente. Apóyalos desde ambos lados de la frontera.',
    },
    body: {
      en: 'In 2021 the workers of GM Silao voted to end a contract signed behind their backs. In 2022 they elected an independent union.\n\nThe company and its allies keep pushing back. USMCA gives us a tool: the Rapid Response Labor Mechanism.\n\nSign the letter, join the picket in Detroit or the online meeting, and give to the strike fund.',
      es: 'En 2021 las y los trabajadores de GM Silao votaron para terminar un contrato firmado a sus espaldas. En 2022 eligieron un sindicato independiente.\n\nLa empresa y sus aliados siguen presionando. El T-MEC nos da una herramienta: el Mecanismo Laboral de Respuesta Rápida.\n\nFirma la carta, ven al piquete en Detroit o a la reunión en línea, y aporta al fondo de huelga.',
    },
    sector: 'auto',
    employer: 'General Motors',
    workplace: 'Complejo de Silao',
    city: 'Silao',
    region: 'Guanajuato',
    country: 'MX',
    union: 'SINTTIA',
    defaultLocale: 'es',
    goals: { pledges: 500, signatures: 1000, money: { amount: '20000.00', currency: 'USD' } },
  });
  await campaigns.update(actor, c.id, { status: 'active' });
  await app.get(MembershipService).put(actor, c.id, coord.id, 'coordinator');

  const targets = app.get(TargetsService);
  const all = (await targets.listLibrary({ limit: 200, offset: 0 })).items;
  const picked = all.filter((t) =>
    /Trade Representative|Department of Labor/i.test(`${t.name.en ?? ''} ${t.organization ?? ''}`),
  );
  const letters = app.get(LetterActionsService);
  const letter = await letters.create(actor, c.id, {
    slug: 'usmca-review',
    title: {
      en: 'Ask for a USMCA labor review at GM Silao',
      es: 'Pide una revisión laboral del T-MEC en GM Silao',
    },
    subject: {
      en: 'Request for a Rapid Response Labor Mechanism review at GM Silao',
      es: 'Solicitud de revisión por el Mecanismo Laboral de Respuesta Rápida en GM Silao',
    },
    body: {
      en: 'Dear {{target.name}},\n\nWe ask you to request a review under the USMCA Rapid Response Labor Mechanism of the denial of rights at the General Motors complex in Silao, Guanajuato.\n\nWorkers there have the right to an independent union and a contract they choose.\n\nSincerely,\n{{supporter.firstName}} {{supporter.lastName}}, {{supporter.city}}',
      es: 'Estimada {{target.name}}:\n\nLe pedimos solicitar una revisión conforme al Mecanismo Laboral de Respuesta Rápida del T-MEC por la denegación de derechos en el complejo de General Motors en Silao, Guanajuato.\n\nSus trabajadoras y trabajadores tienen derecho a un sindicato independiente y a un contrato que ellos elijan.\n\nAtentamente,\n{{supporter.firstName}} {{supporter.lastName}}, {{supporter.city}}',
    },
    targetIds: (picked.length ? picked : all.slice(0, 2)).map((t) => t.id),
    allowPersonalNote: true,
    signatureGoal: 1000,
  });
  await letters.update(actor, letter.id, { status: 'open' });

  const events = app.get(EventsService);
  const day = 24 * 3600_000;
  const picket = await events.create(actor, c.id, {
    slug: 'picket-gm-detroit',
    title: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' },
    description: { en: 'Bring signs in English and Spanish.', es: 'Trae carteles en inglés y español.' },
    kind: 'picket',
    venue: 'GM Renaissance Center',
    address: '300 Renaissance Center',
    city: 'Detroit',
    region: 'Michigan',
    country: 'US',
    startsAt: new Date(now.getTime() + 21 * day).toISOString(),
    endsAt: new Date(now.getTime() + 21 * day + 2 * 3600_000).toISOString(),
    timezone: 'America/Detroit',
    capacity: 60,
  });
  const meeting = await events.create(actor, c.id, {
    slug: 'online-solidarity-meeting',
    title: { en: 'Online solidarity meeting', es: 'Reunión de solidaridad en línea' },
    kind: 'online',
    onlineUrl: 'https://meet.example.org/silao',
    startsAt: new Date(now.getTime() + 10 * day).toISOString(),
    timezone: 'America/Mexico_City',
  });

  const fundraisers = app.get(FundraisersService);
  const fund = await fundraisers.create(actor, c.id, {
    title: { en: 'Strike fund', es: 'Fondo de huelga' },
    goal: { amount: '20000.00', currency: 'USD' },
  });
  const today = now.toISOString().slice(0, 10);
  await app.get(ExchangeRatesService).create(actor, organization.id, {
    base: 'USD',
    quote: 'MXN',
    rate: '17.25',
    validFrom: `${now.getUTCFullYear() - 1}-01-01`,
  });
  const donations = app.get(DonationsService);
  const gifts: [string, string, 'cash' | 'transfer' | 'card'][] = [
    ['250.00', 'USD', 'card'],
    ['100.00', 'USD', 'cash'],
    ['1500.00', 'MXN', 'transfer'],
    ['500.00', 'MXN', 'cash'],
    ['75.00', 'USD', 'card'],
  ];
  for (const [i, [amount, currency, method]] of gifts.entries()) {
    await donations.record(actor, fund.id, {
      amount: { amount, currency },
      status: 'received',
      method,
      receivedAt: today,
      externalRef: `demo-${i}`,
    });
  }

  const pledges = app.get(PledgesService);
  const signatures = app.get(SignaturesService);
  const rsvps = app.get(RsvpsService);
  const kinds: PledgeKind[] = ['support', 'sign', 'attend', 'donate', 'share', 'volunteer'];
  for (let i = 0; i < 36; i++) {
    const [city, region, country, locale, timezone] = PLACES[i % PLACES.length];
    const person = {
      email: `supporter${i + 1}@demo.puente`,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[(i * 7) % LAST.length],
      city,
      region,
      country,
      locale,
      timezone,
      consentEmail: i % 3 !== 0,
    };
    await pledges.pledge(DEMO_SLUG, { ...person, kind: kinds[i % kinds.length] });
    if (i % 4 !== 3)
      await signatures.sign(DEMO_SLUG, 'usmca-review', {
        ...person,
        showPublicly: i % 2 === 0,
        ...(i % 5 === 0
          ? { personalNote: locale === 'es' ? '¡Solidaridad desde aquí!' : 'Solidarity!' }
          : {}),
      });
    if (i % 3 === 0) await rsvps.rsvp(DEMO_SLUG, picket.slug, { ...person, guests: i % 2 });
    if (i % 5 === 1) await rsvps.rsvp(DEMO_SLUG, meeting.slug, person);
  }
  return true;
}

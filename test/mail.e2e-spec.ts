import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../src/common/errors.js';
import { MailSendError, MailService } from '../src/mail/mail.service.js';
import { TemplateDataError, type TemplateDataMap } from '../src/mail/templates/templates.js';
import { parseMail, startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const rsvpData = {
  firstName: 'Begoña',
  eventTitle: 'Piquete en la sede de GM: ¡Sí se puede!',
  when: 'sábado 14 de marzo de 2026, 11:00 (hora de Detroit)',
  place: 'Renaissance Center, Detroit, Míchigan',
  manageUrl: 'https://puente.example.org/r/manage-token',
  guests: 2,
} satisfies TemplateDataMap['rsvp-confirmation'];

interface MessageRow {
  id: string;
  recipient_email: string;
  supporter_id: string | null;
  user_id: string | null;
  template: string;
  locale: string;
  subject: string;
  status: string;
  provider_message_id: string | null;
  error: string | null;
  related_type: string | null;
  related_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}

async function row(t: TestApp, id: string): Promise<MessageRow> {
  const { rows } = await t.db.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [id]);
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('mail over SMTP', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let mail: MailService;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Puente GM Silao <no-reply@puente.example.org>',
    });
    mail = t.app.get(MailService);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.messages.length = 0;
    smtp.setReject(false);
    smtp.setDelay(0);
  });

  it('delivers a Spanish RSVP confirmation with its accents intact and records it as sent', async () => {
    const supporterId = randomUUID();
    const eventId = randomUUID();
    const result = await mail.send({
      to: 'begona@example.org',
      template: 'rsvp-confirmation',
      locale: 'es',
      data: rsvpData,
      supporterId,
      related: { type: 'event', id: eventId },
    });
    expect(result).toEqual({ messageId: expect.any(String), status: 'sent' });

    const [received] = await smtp.waitFor(1);
    expect(received.envelope.to).toEqual(['begona@example.org']);
    expect(received.envelope.from).toBe('no-reply@puente.example.org');
    expect(received.headers.from).toBe('Puente GM Silao <no-reply@puente.example.org>');
    expect(received.subject).toBe('Confirmación de asistencia: Piquete en la sede de GM: ¡Sí se puede!');
    expect(received.text).toContain('Hola, Begoña:');
    expect(received.text).toContain('Cuándo: sábado 14 de marzo de 2026, 11:00 (hora de Detroit)');
    expect(received.text).toContain('Dónde: Renaissance Center, Detroit, Míchigan');
    expect(received.text).toContain('Acompañantes: 2');
    expect(received.text).toContain('Gestionar tu asistencia: https://puente.example.org/r/manage-token');
    expect(received.html).toContain('<html lang="es">');
    expect(received.html).toContain('Piquete en la sede de GM: ¡Sí se puede!');
    expect(received.html).toContain('href="https://puente.example.org/r/manage-token"');
    expect(received.headers['list-unsubscribe']).toBeUndefined();

    const r = await row(t, result.messageId);
    expect(r).toMatchObject({
      recipient_email: 'begona@example.org',
      supporter_id: supporterId,
      user_id: null,
      template: 'rsvp-confirmation',
      locale: 'es',
      subject: received.subject,
      status: 'sent',
      error: null,
      related_type: 'event',
      related_id: eventId,
    });
    expect(r.provider_message_id).toBe(received.headers['message-id'].replace(/^<|>$/g, ''));
    expect(r.sent_at).toBeInstanceOf(Date);
    expect(r.sent_at!.getTime()).toBeGreaterThanOrEqual(r.created_at.getTime());
  });

  it('records the message as queued before the server has accepted it', async () => {
    smtp.setDelay(1500);
    const sending = mail.send({
      to: 'Queued.Check@example.org',
      template: 'rsvp-confirmation',
      locale: 'en',
      data: rsvpData,
    });
    await smtp.waitFor(1);
    // The server has the message but has not answered yet: the row exists and says queued.
    const { rows } = await t.db.query<MessageRow>(
      "SELECT * FROM messages WHERE recipient_email = 'queued.check@EXAMPLE.org'", // citext: any case
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'queued', provider_message_id: null, sent_at: null });
    const result = await sending;
    expect(result.messageId).toBe(rows[0].id);
    expect((await row(t, result.messageId)).status).toBe('sent');
  });

  it('records a refused message as failed with the error, and does not throw', async () => {
    smtp.setReject(true);
    const result = await mail.send({
      to: 'ana@example.org',
      template: 'event-cancelled',
      locale: 'en',
      data: { eventTitle: 'Rally', when: 'March 14, 11:00 AM' },
      userId: randomUUID(),
    });
    expect(result).toEqual({ messageId: expect.any(String), status: 'failed' });
    expect(smtp.messages).toHaveLength(0);
    const r = await row(t, result.messageId);
    expect(r).toMatchObject({ status: 'failed', provider_message_id: null, sent_at: null });
    expect(r.error).toContain('550');
    expect(r.subject).toBe('Event cancelled: Rally');
  });

  it('throws MailSendError after recording the failure when asked to (for retries)', async () => {
    smtp.setReject(true, 451);
    const attempt = mail.send({
      to: 'ana@example.org',
      template: 'event-cancelled',
      locale: 'es',
      data: { eventTitle: 'Mitin', when: '14 de marzo, 11:00' },
      related: { type: 'event', id: randomUUID() },
      throwOnFailure: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(MailSendError);
    const error = (await attempt.catch((e: unknown) => e)) as MailSendError;
    expect(error.responseCode).toBe(451);
    expect(error.permanent).toBe(false);
    const r = await row(t, error.messageId);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('451');

    smtp.setReject(true, 550);
    const permanent = (await mail
      .send({
        to: 'ana@example.org',
        template: 'event-cancelled',
        locale: 'es',
        data: { eventTitle: 'Mitin', when: '14 de marzo, 11:00' },
        throwOnFailure: true,
      })
      .catch((e: unknown) => e)) as MailSendError;
    expect(permanent).toBeInstanceOf(MailSendError);
    expect(permanent.permanent).toBe(true);

    // Accepting again: the retry goes through as a new, sent message.
    smtp.setReject(false);
    const retry = await mail.send({
      to: 'ana@example.org',
      template: 'event-cancelled',
      locale: 'es',
      data: { eventTitle: 'Mitin', when: '14 de marzo, 11:00' },
      throwOnFailure: true,
    });
    expect(retry.status).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
  });

  it('escapes a <script> name in the HTML part and keeps it as plain text in the text part', async () => {
    await mail.send({
      to: 'ana@example.org',
      template: 'rsvp-confirmation',
      locale: 'en',
      data: { ...rsvpData, firstName: '<script>alert("hi")</script>' },
    });
    const [received] = await smtp.waitFor(1);
    expect(received.html).not.toContain('<script');
    expect(received.html).toContain('Hi &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;,');
    expect(received.text).toContain('Hi <script>alert("hi")</script>,');
  });

  it('puts the unsubscribe link in the text, the HTML and the List-Unsubscribe header', async () => {
    const unsubscribeUrl = 'https://puente.example.org/unsubscribe/abc123';
    await mail.send({
      to: 'ana@example.org',
      template: 'deadline-reminder',
      locale: 'es',
      data: {
        letterTitle: 'Carta a la USTR',
        deadline: '20 de marzo de 2026',
        signUrl: 'https://puente.example.org/c/gm/letters/ustr',
      },
      unsubscribeUrl,
    });
    const [received] = await smtp.waitFor(1);
    expect(received.headers['list-unsubscribe']).toBe(`<${unsubscribeUrl}>`);
    expect(received.text).toContain(`Cancelar suscripción: ${unsubscribeUrl}`);
    expect(received.html).toContain(
      `<a href="${unsubscribeUrl}" style="color:#52525b">Cancelar suscripción</a>`,
    );
  });

  it('sends attachments (a letter delivery with its signatures as CSV)', async () => {
    const csv = 'first_name,last_name,city\nAna,Pérez,León\n';
    const result = await mail.send({
      to: 'ustr@example.gov',
      template: 'letter-delivery',
      locale: 'en',
      data: {
        letterSubject: 'USMCA review request',
        letterBody: 'Dear Ambassador,\n\nWe write…',
        signatureCount: 1,
      },
      attachments: [{ filename: 'signatures.csv', content: csv, contentType: 'text/csv' }],
    });
    expect(result.status).toBe('sent');
    const [received] = await smtp.waitFor(1);
    expect(received.subject).toBe('USMCA review request');
    expect(received.text).toContain('1 person signed this letter; the list is attached.');
    expect(received.attachments).toHaveLength(1);
    expect(received.attachments[0]).toMatchObject({ filename: 'signatures.csv', contentType: 'text/csv' });
    expect(received.attachments[0].content.toString('utf8')).toBe(csv);
  });

  it('mails staff at a dotless domain (the default first admin is admin@localhost)', async () => {
    const userId = randomUUID();
    const result = await mail.send({
      to: 'admin@localhost',
      template: 'daily-digest',
      locale: 'en',
      data: {
        campaignTitle: 'GM Silao',
        pledges: 3,
        signatures: 1520,
        rsvps: 0,
        moneyLines: ['US$25.00 received'],
      },
      userId,
    });
    expect(result.status).toBe('sent');
    const [received] = await smtp.waitFor(1);
    expect(received.envelope.to).toEqual(['admin@localhost']);
    expect(received.subject).toBe('Daily summary: GM Silao');
    expect(received.text).toContain('Signatures: 1,520');
    expect(received.text).toContain('- US$25.00 received');
    expect(await row(t, result.messageId)).toMatchObject({
      user_id: userId,
      supporter_id: null,
      status: 'sent',
    });
  });

  it('refuses a recipient that is not one plain address, before recording or sending anything', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM messages');
    for (const to of ['ana@example.org, eve@example.org', 'Ana <ana@example.org>', 'not-an-email', '']) {
      await expect(
        mail.send({ to, template: 'rsvp-confirmation', locale: 'en', data: rsvpData }),
      ).rejects.toBeInstanceOf(BadInputError);
    }
    await expect(
      mail.send({
        to: 'ana@example.org',
        template: 'rsvp-confirmation',
        locale: 'fr' as 'en',
        data: rsvpData,
      }),
    ).rejects.toBeInstanceOf(BadInputError);
    await expect(
      mail.send({
        to: 'ana@example.org',
        template: 'rsvp-confirmation',
        locale: 'en',
        data: { eventTitle: 'x' },
      }),
    ).rejects.toBeInstanceOf(TemplateDataError);
    const after = await t.db.query('SELECT count(*)::int AS n FROM messages');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(smtp.messages).toHaveLength(0);
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('writes each message as an .eml file in OUTBOX_DIR and records it as sent', async () => {
    expect(t.config.smtpUrl).toBeNull();
    const mail = t.app.get(MailService);
    const result = await mail.send({
      to: 'ana@example.org',
      template: 'rsvp-confirmation',
      locale: 'es',
      data: rsvpData,
      unsubscribeUrl: 'https://puente.example.org/unsubscribe/xyz',
    });
    expect(result.status).toBe('sent');
    const r = await row(t, result.messageId);
    expect(r.status).toBe('sent');
    expect(r.provider_message_id).toEqual(expect.any(String));

    const files = await readdir(t.config.outboxDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-.+\.eml$/);
    // Named by its messages row, so erasure finds a supporter's files without reading any.
    expect(files[0]).toMatch(new RegExp(`-${result.messageId}\\.eml$`));

    const raw = await readFile(join(t.config.outboxDir, files[0]));
    expect(raw.toString('latin1')).toContain('\r\n'); // RFC 822 line ends
    const eml = parseMail(raw);
    expect(eml.headers.to).toBe('ana@example.org');
    expect(eml.headers.from).toBe('Puente <no-reply@localhost>');
    expect(eml.headers['message-id']).toBe(`<${r.provider_message_id}>`);
    expect(eml.headers['list-unsubscribe']).toBe('<https://puente.example.org/unsubscribe/xyz>');
    expect(eml.subject).toBe('Confirmación de asistencia: Piquete en la sede de GM: ¡Sí se puede!');
    expect(eml.text).toContain('Hola, Begoña:');
    expect(eml.html).toContain('Cancelar suscripción');

    // The folder is made again when someone removed it while the app runs.
    await rm(t.config.outboxDir, { recursive: true });
    const again = await mail.send({
      to: 'ana@example.org',
      template: 'rsvp-confirmation',
      locale: 'es',
      data: rsvpData,
    });
    expect(again.status).toBe('sent');
    expect(await readdir(t.config.outboxDir)).toHaveLength(1);
  });
});

import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createLogger, PinoNestLogger, safePath, serializeError } from './logger.js';

describe('safePath', () => {
  it('drops the query string, which can carry a searched email', () => {
    expect(safePath('/api/campaigns/1/supporters?search=ana@example.org')).toBe(
      '/api/campaigns/1/supporters',
    );
  });
  it('hides secret tokens in the path but keeps ids', () => {
    expect(safePath('/api/public/rsvps/Zm9vYmFyYmF6cXV4cXV1eHh5enp5')).toBe('/api/public/rsvps/:secret');
    expect(safePath('/api/events/0b0f6f5e-2a43-4a77-9d5e-1d2f3a4b5c6d')).toBe(
      '/api/events/0b0f6f5e-2a43-4a77-9d5e-1d2f3a4b5c6d',
    );
  });
  it('hides anything that looks like an email', () => {
    expect(safePath('/unsubscribe/ana@example.org')).toBe('/unsubscribe/:redacted');
  });
});

describe('logged errors', () => {
  /** A unique violation as TypeORM throws it, with the statement's parameters and PostgreSQL's detail. */
  function duplicateEmail(): QueryFailedError {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "supporters_email_key"'),
      {
        code: '23505',
        constraint: 'supporters_email_key',
        table: 'supporters',
        detail: 'Key (email)=(ana.pena@example.org) already exists.',
        where: 'SQL statement with Ana Peña',
      },
    );
    return new QueryFailedError(
      'INSERT INTO supporters (email, first_name) VALUES ($1, $2)',
      ['ana.pena@example.org', 'Ana Peña'],
      driverError,
    );
  }

  it('keep what the error is and where, never the query parameters, PostgreSQL detail or bodies', () => {
    const e = Object.assign(duplicateEmail(), { body: { email: 'ana.pena@example.org' } });
    const out = serializeError(new Error('save failed', { cause: e }));
    const text = JSON.stringify(out);
    expect(text).not.toContain('ana.pena@example.org');
    expect(text).not.toContain('Peña');
    expect(out.cause).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      constraint: 'supporters_email_key',
      table: 'supporters',
      query: 'INSERT INTO supporters (email, first_name) VALUES ($1, $2)',
    });
  });

  it('go through the app logger that way', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger('info', sink).error({ err: duplicateEmail() }, 'unexpected error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('supporters_email_key');
    expect(lines[0]).not.toContain('ana.pena@example.org');
    expect(lines[0]).not.toContain('parameters');
  });
});

describe("Nest's own messages", () => {
  it('keep its per-module and per-route start-up lines at debug, so npm start shows what a person needs', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const nest = new PinoNestLogger(createLogger('info', sink));
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('HealthController {/api/health}:', 'RoutesResolver');
    nest.log('Mapped {/api/health, GET} route', 'RouterExplorer');
    expect(lines).toEqual([]);
    nest.log('created the first admin account', 'FirstAdmin');
    nest.log('Nest application successfully started', 'NestApplication');
    expect(lines).toHaveLength(2);

    const debug: string[] = [];
    const debugSink = new Writable({
      write(chunk: Buffer, _enc, done) {
        debug.push(chunk.toString());
        done();
      },
    });
    new PinoNestLogger(createLogger('debug', debugSink)).log(
      'Mapped {/api/health, GET} route',
      'RouterExplorer',
    );
    expect(debug).toHaveLength(1);
  });
});

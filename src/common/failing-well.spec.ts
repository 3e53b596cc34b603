import { QueryFailedError } from 'typeorm';
import { shapeError } from './error-body.js';
import { ServiceUnavailableError } from './errors.js';
import { bodyProblem, formEncodingProblem, MAX_BODY_DEPTH, urlProblem } from './input-checks.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('an unavailable database', () => {
  it.each([
    ['the server shutting down (57P01)', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
    ['the statement timeout (57014)', new QueryFailedError('SELECT 1', [], pgError('57014'))],
    ['too many connections (53300)', pgError('53300')],
    ['a refused connection', pgError('ECONNREFUSED')],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('is a 503 with Retry-After, logged without a stack: %s', (_why, e) => {
    const shaped = shapeError(e, 'req-1');
    expect(shaped.body).toMatchObject({ statusCode: 503, code: 'database_unavailable', requestId: 'req-1' });
    expect(shaped.headers['retry-after']).toMatch(/^\d+$/);
    expect(shaped.unexpected).toBe(false);
    expect(shaped.warning).toContain('database unavailable');
    expect(JSON.stringify(shaped.body)).not.toContain('SELECT');
  });

  it('keeps other errors as they were: a unique violation is still an unexpected 500', () => {
    const shaped = shapeError(new QueryFailedError('INSERT', [], pgError('23505')));
    expect(shaped.body.statusCode).toBe(500);
    expect(shaped.unexpected).toBe(true);
  });

  it('answers the health check’s own 503 without logging it as unexpected', () => {
    const shaped = shapeError(
      new ServiceUnavailableError(5, 'The database is not answering', 'database_down'),
    );
    expect(shaped).toMatchObject({ body: { statusCode: 503, code: 'database_down' }, unexpected: false });
    expect(shaped.warning).toBeUndefined();
    expect(shaped.headers['retry-after']).toBe('5');
  });
});

describe('input checks', () => {
  it('refuses NUL, malformed percent-encoding and non-UTF-8 in the address', () => {
    expect(urlProblem('/c/silao?lang=es')).toBeNull();
    expect(urlProblem('/c/pe%C3%B1a')).toBeNull();
    expect(urlProblem('/c/a%00b')).toMatch(/NUL/);
    expect(urlProblem('/c/x?lang=%00')).toMatch(/NUL/);
    expect(urlProblem('/c/%FF')).toMatch(/UTF-8/);
    expect(urlProblem('/c/100%')).toMatch(/percent/);
    expect(urlProblem(Buffer.from([0x2f, 0x63, 0x2f, 0xff]).toString('latin1'))).toMatch(/UTF-8/);
    expect(urlProblem(Buffer.from('/c/peña').toString('latin1'))).toBeNull();
  });

  it('refuses bodies nested deeper than the limit, without recursion', () => {
    const nest = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown;
    expect(bodyProblem(nest(MAX_BODY_DEPTH))).toBeNull();
    expect(bodyProblem(nest(MAX_BODY_DEPTH + 1))?.code).toBe('too_deep');
    expect(bodyProblem(nest(100_000))?.code).toBe('too_deep');
  });

  it('refuses a NUL in any key or string value, naming the field', () => {
    expect(bodyProblem({ a: ['x', { b: 'y\u0000' }] })).toMatchObject({ code: 'unstorable_value' });
    expect(bodyProblem({ firstName: 'A\u0000' })?.details).toEqual([
      expect.objectContaining({ field: 'firstName', code: 'nul_character' }),
    ]);
    expect(bodyProblem({ ['k\u0000']: 1 })?.code).toBe('unstorable_value');
    expect(bodyProblem({ email: 'ana@example.org', guests: 2, tags: ['a'] })).toBeNull();
  });

  it('refuses form bodies whose escapes are malformed or not UTF-8', () => {
    expect(formEncodingProblem('firstName=Pe%C3%B1a&city=San+Luis&x=')).toBe(false);
    expect(formEncodingProblem('firstName=A%FF')).toBe(true);
    expect(formEncodingProblem('firstName=100%')).toBe(true);
    expect(formEncodingProblem('a%E0%A4=1')).toBe(true);
  });
});

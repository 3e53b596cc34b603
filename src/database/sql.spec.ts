import { SqlParams, statement } from './sql.js';

describe('SqlParams (the parameter allocator)', () => {
  it('numbers names in order of first use and gives a repeated name the same $n', () => {
    const p = new SqlParams<{ a: number; b: number; c: number }>();
    expect(p.ref('b')).toBe('$1');
    expect(p.ref('a')).toBe('$2');
    expect(p.ref('b')).toBe('$1');
    expect(p.ref('c')).toBe('$3');
    expect(p.order).toEqual(['b', 'a', 'c']);
  });

  it('binds values by name in $n order, whatever the order of the object', () => {
    const p = new SqlParams<{ a: string; b: Date | null; unused: number }>();
    p.ref('b');
    p.ref('a');
    expect(p.bind({ unused: 1, a: 'x', b: null })).toEqual([null, 'x']);
  });

  it('refuses a value missing for a name the statement uses (rather than binding undefined)', () => {
    const p = new SqlParams<{ a?: string }>();
    p.ref('a');
    expect(() => p.bind({})).toThrow('no value for parameter a');
  });

  it('refuses a new name once sealed, but still answers the names it has', () => {
    const p = new SqlParams<{ a: string; b: string }>();
    p.ref('a');
    p.seal();
    expect(p.ref('a')).toBe('$1');
    expect(() => p.ref('b')).toThrow('parameter b referenced after its statement was built');
  });
});

describe('statement', () => {
  it('builds the text once and binds each call by name', () => {
    const s = statement<{ id: string; at: Date }, { n: number }>(
      'test.thing',
      (p) => `SELECT ${p.ref('id')}::uuid, ${p.ref('at')}, ${p.ref('id')}`,
    );
    expect(s.name).toBe('test.thing');
    expect(s.text).toBe('SELECT $1::uuid, $2, $1');
    const at = new Date(0);
    expect(s.bind({ at, id: 'i' })).toEqual(['i', at]);
  });
});

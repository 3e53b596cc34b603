import { neutralizeCell } from './csv-safety.js';

describe('neutralizeCell', () => {
  it.each(['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\r=1'])(
    'prefixes %j with a single quote',
    (cell) => {
      expect(neutralizeCell(cell)).toBe(`'${cell}`);
    },
  );

  it('leaves ordinary text, accents and inner symbols alone', () => {
    expect(neutralizeCell('Peña')).toBe('Peña');
    expect(neutralizeCell('a=b')).toBe('a=b');
    expect(neutralizeCell(' =1')).toBe(' =1');
  });

  it('turns null and undefined into empty cells and dates into ISO text', () => {
    expect(neutralizeCell(null)).toBe('');
    expect(neutralizeCell(undefined)).toBe('');
    expect(neutralizeCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(neutralizeCell(-5)).toBe("'-5");
  });
});

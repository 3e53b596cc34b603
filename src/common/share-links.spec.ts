import { shareLinks, shareText } from './share-links.js';

describe('share links', () => {
  const url = 'https://puente.example/c/gm-silao/letters/dol';

  it('puts WhatsApp first for Spanish readers and third for English ones', () => {
    expect(shareLinks('es', 'x', url).map((l) => l.network)).toEqual([
      'whatsapp',
      'facebook',
      'telegram',
      'x',
      'email',
    ]);
    expect(
      shareLinks('en', 'x', url)
        .map((l) => l.network)
        .slice(0, 3),
    ).toEqual(['facebook', 'x', 'whatsapp']);
  });

  it('prefills the message in the reader’s language, with the link', () => {
    const text = shareText('es', 'letter', 'Carta al DOL');
    expect(text).toBe('Acabo de firmar “Carta al DOL”. Súmate con tu firma:');
    const wa = shareLinks('es', text, url)[0].href;
    expect(new URL(wa).searchParams.get('text')).toBe(`${text} ${url}`);
    expect(shareText('en', 'event', 'Picket')).toBe('I’m going to “Picket”. Come with me:');
  });

  it('encodes everything (a title cannot add a parameter)', () => {
    const x = shareLinks('en', 'a&b=c #d', url).find((l) => l.network === 'x')!.href;
    const q = new URL(x).searchParams;
    expect(q.get('text')).toBe('a&b=c #d');
    expect(q.get('url')).toBe(url);
    expect([...q.keys()]).toEqual(['text', 'url']);
  });
});

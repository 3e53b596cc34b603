import { escapeHtml } from './html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that can open markup or close an attribute', () => {
    expect(escapeHtml(`<script>alert("x" + 'y')</script> & co`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; co',
    );
  });

  it('escapes an ampersand first, so existing entities are shown, not interpreted', () => {
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('leaves accents, ñ and other text alone', () => {
    expect(escapeHtml('Confirmación de asistencia, año, ¿qué? — “ok”')).toBe(
      'Confirmación de asistencia, año, ¿qué? — “ok”',
    );
  });

  it('turns numbers into text and null or undefined into nothing', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });

  it('keeps an attribute value from breaking out of its quotes', () => {
    const attr = `<a href="${escapeHtml('https://x.org/"onmouseover="alert(1)')}">`;
    expect(attr).toBe('<a href="https://x.org/&quot;onmouseover=&quot;alert(1)">');
  });
});

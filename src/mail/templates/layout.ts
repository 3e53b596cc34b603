import { escapeHtml } from '../../common/html.js';
import { TemplateData, type MailLocale } from './data.js';
import { formatCount as formatLocaleCount } from '../../common/locale-format.js';

/**
 * The shared layout of every email. A template describes its content once, as blocks; the layout
 * turns the blocks into the text and the HTML part, so the two always say the same thing and every
 * value is escaped in exactly one place.
 */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** Shown in the footer of both parts (the List-Unsubscribe header is the transport's job). */
  unsubscribeUrl?: string;
}

export type Block =
  /** A paragraph of plain text. */
  | { kind: 'p'; text: string }
  /** Label/value lines: "When: Saturday…". */
  | { kind: 'facts'; items: [label: string, value: string][] }
  /** A call to action: a button in HTML, "label: url" in text. */
  | { kind: 'link'; label: string; url: string }
  /** Longer text written by a person (a letter), kept with its paragraphs and line breaks. */
  | { kind: 'quote'; text: string }
  | { kind: 'list'; items: string[] }
  /**
   * Text written in Markdown (a bulletin): its HTML, already rendered WITHOUT raw HTML from the source
   * (bulletins/bulletin-render.ts), and its plain-text part.
   */
  | { kind: 'markdown'; html: string; text: string };

export const p = (text: string): Block => ({ kind: 'p', text });
export const link = (label: string, url: string): Block => ({ kind: 'link', label, url });
export const quote = (text: string): Block => ({ kind: 'quote', text });
export const list = (items: string[]): Block => ({ kind: 'list', items });
/** Facts without a value (an optional field not given) are left out. */
export const facts = (...items: [string, string | undefined][]): Block => ({
  kind: 'facts',
  items: items.filter((i): i is [string, string] => i[1] !== undefined),
});

export interface MailContent {
  subject: string;
  /** "Hi Ana," — omitted for mail that brings its own salutation (a letter). */
  greeting?: string;
  blocks: Block[];
  /** The name at the top, instead of "Puente": whose mail this is (a letter carries its organization's). */
  masthead?: string;
}

const FOOTER = {
  en: { unsubscribe: 'Unsubscribe', sentBy: 'Sent by Puente' },
  es: { unsubscribe: 'Cancelar suscripción', sentBy: 'Enviado por Puente' },
} as const;

export function greeting(locale: MailLocale, firstName: string | undefined): string {
  if (locale === 'es') return firstName ? `Hola, ${firstName}:` : 'Hola:';
  return firstName ? `Hi ${firstName},` : 'Hello,';
}

/** One line, whatever the data held: a subject is a header and must never carry a line break. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n').trim();
}

function blockText(b: Block): string {
  switch (b.kind) {
    case 'p':
      return normalizeNewlines(b.text);
    case 'facts':
      return b.items.map(([label, value]) => `${label}: ${oneLine(value)}`).join('\n');
    case 'link':
      return `${b.label}: ${b.url}`;
    case 'quote':
      return normalizeNewlines(b.text);
    case 'list':
      return b.items.map((i) => `- ${oneLine(i)}`).join('\n');
    case 'markdown':
      return normalizeNewlines(b.text);
  }
}

const S = {
  p: 'margin:0 0 16px;line-height:1.5',
  facts: 'margin:0 0 16px;padding:12px 16px;background:#f4f4f5;border-radius:6px;line-height:1.6',
  button:
    'display:inline-block;padding:10px 18px;background:#b91c1c;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold',
  quote: 'margin:0 0 16px;padding:0 0 0 16px;border-left:3px solid #d4d4d8',
};

function multiline(text: string): string {
  return normalizeNewlines(text)
    .split(/\n{2,}/)
    .map((para) => `<p style="${S.p}">${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'p':
      return multiline(b.text);
    case 'facts':
      return `<div style="${S.facts}">${b.items
        .map(([label, value]) => `<strong>${escapeHtml(label)}:</strong> ${escapeHtml(oneLine(value))}`)
        .join('<br>')}</div>`;
    case 'link':
      return (
        `<p style="${S.p}"><a href="${escapeHtml(b.url)}" style="${S.button}">${escapeHtml(b.label)}</a></p>\n` +
        `<p style="${S.p};font-size:13px;color:#52525b">${escapeHtml(b.url)}</p>`
      );
    case 'quote':
      return `<blockquote style="${S.quote}">${multiline(b.text)}</blockquote>`;
    case 'list':
      return `<ul style="${S.p}">${b.items.map((i) => `<li>${escapeHtml(oneLine(i))}</li>`).join('')}</ul>`;
    case 'markdown':
      return `<div style="line-height:1.5">${b.html}</div>`;
  }
}

/** The content in the layout: header "Puente" (or the masthead), greeting, blocks, footer (with unsubscribe when given). */
export function compose(locale: MailLocale, content: MailContent, options: RenderOptions = {}): RenderedMail {
  const subject = oneLine(content.subject);
  const footer = FOOTER[locale];
  const unsubscribe = options.unsubscribeUrl;

  const masthead = content.masthead ? oneLine(content.masthead) : 'Puente';
  const textParts = [masthead];
  if (content.greeting) textParts.push(content.greeting);
  textParts.push(...content.blocks.map(blockText).filter((t) => t !== ''));
  const textFooter = unsubscribe ? `${footer.sentBy}\n${footer.unsubscribe}: ${unsubscribe}` : footer.sentBy;
  const text = `${textParts.join('\n\n')}\n\n-- \n${textFooter}\n`;

  const htmlFooter = unsubscribe
    ? `${escapeHtml(footer.sentBy)} · <a href="${escapeHtml(unsubscribe)}" style="color:#52525b">${escapeHtml(footer.unsubscribe)}</a>`
    : escapeHtml(footer.sentBy);
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#ffffff;color:#18181b;font-family:Arial,Helvetica,sans-serif;font-size:16px">
<div style="max-width:600px;margin:0 auto;padding:24px 16px">
<div style="font-size:22px;font-weight:bold;color:#b91c1c;margin:0 0 24px">${escapeHtml(masthead)}</div>
${content.greeting ? `<p style="${S.p}">${escapeHtml(content.greeting)}</p>\n` : ''}${content.blocks.map(blockHtml).join('\n')}
<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 12px">
<div style="font-size:13px;color:#52525b">${htmlFooter}</div>
</div>
</body>
</html>
`;
  return { subject, text, html };
}

/** What the registry holds for each template name. */
export type TemplateFn = (
  data: Record<string, unknown>,
  locale: MailLocale,
  options?: RenderOptions,
) => RenderedMail;

/** A template: reads its data (checked, see TemplateData), says what to write, the layout does the rest. */
export function defineTemplate(
  name: string,
  build: (d: TemplateData, locale: MailLocale) => MailContent,
): TemplateFn {
  return (data, locale, options) => compose(locale, build(new TemplateData(name, data), locale), options);
}

/** 1234 → "1,234" (both locales: the committee's Spanish is Mexico's). */
export function formatCount(n: number, locale: MailLocale): string {
  return formatLocaleCount(n, locale);
}

const UNITS = {
  minute: { en: ['minute', 'minutes'], es: ['minuto', 'minutos'] },
  hour: { en: ['hour', 'hours'], es: ['hora', 'horas'] },
  day: { en: ['day', 'days'], es: ['día', 'días'] },
  supporter: { en: ['supporter', 'supporters'], es: ['persona', 'personas'] },
} as const;

/** "1 hour", "12 horas": a count with its word in the right number. */
export function quantity(n: number, unit: keyof typeof UNITS, locale: MailLocale): string {
  const [one, many] = UNITS[unit][locale];
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`;
}

/**
 * A length of time in the words people use: minutes under an hour (and for 61–119 minutes, "90
 * minutes"), hours under two days, then days. No clock or zone involved.
 */
export function formatDuration(minutes: number, locale: MailLocale): string {
  const m = Math.max(1, Math.round(minutes));
  if (m < 60 || (m < 120 && m % 60 !== 0)) return quantity(m, 'minute', locale);
  if (m < 48 * 60) return quantity(Math.round(m / 60), 'hour', locale);
  return quantity(Math.round(m / 1440), 'day', locale);
}

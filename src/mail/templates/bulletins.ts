import { defineTemplate, link } from './layout.js';

/**
 * A bulletin, rendered for one recipient by the bulletin sender (bulletins/bulletin-render.ts): the
 * subject, the body as HTML (from Markdown, without raw HTML) and as plain text, and its web version.
 */
export interface BulletinData {
  subject: string;
  html: string;
  text: string;
  /** The bulletin in the organization's public archive. */
  webUrl?: string;
}

export const bulletin = defineTemplate('bulletin', (d, locale) => {
  const webUrl = d.optStr('webUrl');
  return {
    subject: d.str('subject'),
    blocks: [
      { kind: 'markdown', html: d.str('html'), text: d.str('text') },
      ...(webUrl ? [link(locale === 'es' ? 'Ver en el navegador' : 'View in your browser', webUrl)] : []),
    ],
  };
});

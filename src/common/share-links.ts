/**
 * Share buttons as plain links (no third-party script on our pages, nothing loaded until tapped), with
 * a message prefilled in the reader's language. Spanish readers get WhatsApp first (how a campaign
 * travels between Silao and Detroit); English readers get it third. One list for pages and mails.
 */
export type ShareLang = 'en' | 'es';
export type ShareNetwork = 'whatsapp' | 'facebook' | 'x' | 'telegram' | 'email';
export type ShareSubject = 'letter' | 'event' | 'pledge' | 'campaign';

export interface ShareLink {
  network: ShareNetwork;
  href: string;
}

const ORDER: Record<ShareLang, ShareNetwork[]> = {
  es: ['whatsapp', 'facebook', 'telegram', 'x', 'email'],
  en: ['facebook', 'x', 'whatsapp', 'email', 'telegram'],
};

const TEXT: Record<ShareLang, Record<ShareSubject, string>> = {
  en: {
    letter: 'I just signed “{title}”. Add your name:',
    event: 'I’m going to “{title}”. Come with me:',
    pledge: 'I’m backing “{title}”. Join me:',
    campaign: 'Stand with the workers: “{title}”',
  },
  es: {
    letter: 'Acabo de firmar “{title}”. Súmate con tu firma:',
    event: 'Voy a “{title}”. ¡Acompáñame!',
    pledge: 'Apoyo “{title}”. ¡Súmate!',
    campaign: 'Solidaridad con las y los trabajadores: “{title}”',
  },
};

/** The prefilled message: "I just signed “Letter to the DOL”. Add your name:" */
export function shareText(lang: ShareLang, subject: ShareSubject, title: string): string {
  return (TEXT[lang] ?? TEXT.en)[subject].replace('{title}', title);
}

/** The share links for `url` with `text`, in the order the reader's language prefers. */
export function shareLinks(lang: ShareLang, text: string, url: string): ShareLink[] {
  const e = encodeURIComponent;
  const href: Record<ShareNetwork, string> = {
    whatsapp: `https://wa.me/?text=${e(`${text} ${url}`)}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${e(url)}`,
    x: `https://twitter.com/intent/tweet?text=${e(text)}&url=${e(url)}`,
    telegram: `https://t.me/share/url?url=${e(url)}&text=${e(text)}`,
    email: `mailto:?subject=${e(text)}&body=${e(`${text} ${url}`)}`,
  };
  return (ORDER[lang] ?? ORDER.en).map((network) => ({ network, href: href[network] }));
}

/**
 * Every absolute link Puente writes (Open Graph tags, share links, `.ics` files, mails) starts with
 * `PUBLIC_BASE_URL` (`AppConfig.publicBaseUrl`, no trailing slash) — never with the request's `Host`
 * header, which a client chooses (a forged Host would otherwise put an attacker's site into share links
 * and calendar files). One place for the paths of the public pages, so a link cannot point at a page
 * that does not exist.
 */
const enc = encodeURIComponent;

export const publicLinks = {
  campaign: (base: string, slug: string) => `${base}/c/${enc(slug)}`,
  letter: (base: string, slug: string, actionSlug: string) =>
    `${base}/c/${enc(slug)}/letters/${enc(actionSlug)}`,
  event: (base: string, slug: string, eventSlug: string) => `${base}/c/${enc(slug)}/events/${enc(eventSlug)}`,
  adminCampaign: (base: string, campaignId: string) => `${base}/admin/campaigns/${enc(campaignId)}`,
};

/** Cookies are `Secure` when the public address is https (behind a TLS-terminating proxy too). */
export const cookiesSecure = (base: string): boolean => base.startsWith('https:');

/**
 * The addresses of the web pages that mail links to, in one place (the routes are in src/web): every
 * link a mail carries is built here or by the feature that signs its token, and test/mail-links.e2e-spec.ts
 * requests each one against the running app.
 */
export const pageLinks = {
  /** The public campaign page (pledges, donations, open letters, events). */
  campaign: (base: string, slug: string) => `${base}/c/${encodeURIComponent(slug)}`,
  /** A letter's page with its sign form. */
  letter: (base: string, campaignSlug: string, actionSlug: string) =>
    `${base}/c/${encodeURIComponent(campaignSlug)}/letters/${encodeURIComponent(actionSlug)}`,
  /** A campaign in the organizer console. */
  adminCampaign: (base: string, campaignId: string) =>
    `${base}/admin/campaigns/${encodeURIComponent(campaignId)}`,
};

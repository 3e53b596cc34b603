import { cookiesSecure, publicLinks } from './public-links.js';

describe('publicLinks', () => {
  const base = 'https://puente.example.org';
  it('points at the pages that exist, escaping slugs', () => {
    expect(publicLinks.campaign(base, 'gm-silao')).toBe('https://puente.example.org/c/gm-silao');
    expect(publicLinks.letter(base, 'gm', 'ustr review')).toBe(
      'https://puente.example.org/c/gm/letters/ustr%20review',
    );
    expect(publicLinks.event(base, 'gm', 'picket')).toBe('https://puente.example.org/c/gm/events/picket');
    expect(publicLinks.adminCampaign(base, 'abc')).toBe('https://puente.example.org/admin/campaigns/abc');
  });
  it('makes cookies Secure only for an https base', () => {
    expect(cookiesSecure(base)).toBe(true);
    expect(cookiesSecure('http://localhost:3000')).toBe(false);
  });
});

import { safePath } from './logger.js';

describe('safePath', () => {
  it('drops the query string, which can carry a searched email', () => {
    expect(safePath('/api/campaigns/1/supporters?search=ana@example.org')).toBe(
      '/api/campaigns/1/supporters',
    );
  });
  it('hides secret tokens in the path but keeps ids', () => {
    expect(safePath('/api/public/rsvps/Zm9vYmFyYmF6cXV4cXV1eHh5enp5')).toBe('/api/public/rsvps/:secret');
    expect(safePath('/api/events/0b0f6f5e-2a43-4a77-9d5e-1d2f3a4b5c6d')).toBe(
      '/api/events/0b0f6f5e-2a43-4a77-9d5e-1d2f3a4b5c6d',
    );
  });
  it('hides anything that looks like an email', () => {
    expect(safePath('/unsubscribe/ana@example.org')).toBe('/unsubscribe/:redacted');
  });
});

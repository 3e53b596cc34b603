import { startSummary, type StartFacts } from './start-summary.js';

const facts: StartFacts = {
  publicUrl: 'http://localhost:3000',
  publicUrlSet: false,
  adminEmail: 'admin@localhost',
  createdAdmin: null,
  dataDir: '/srv/puente/data',
  outboxDir: '/srv/puente/data/outbox',
  pid: 4242,
};

describe('what npm start prints', () => {
  it('gives the public and console URLs, the admin, the data, the mail folder and how to stop', () => {
    const text = startSummary(facts);
    expect(text).toContain('Public site:  http://localhost:3000/\n');
    expect(text).toContain('Console:      http://localhost:3000/admin\n');
    expect(text).toContain('First admin:  admin@localhost\n');
    expect(text).toContain('Data:         /srv/puente/data  (PostgreSQL in /srv/puente/data/pg;');
    expect(text).toContain('Mail:         written as .eml files to /srv/puente/data/outbox');
    expect(text).toContain('Stop:         Ctrl-C here (or kill 4242)');
  });

  it('on the first run says where the password is, never the password', () => {
    expect(startSummary({ ...facts, createdAdmin: { generatedPassword: true } })).toContain(
      'First admin:  admin@localhost  (its password is printed above, once)',
    );
    expect(startSummary({ ...facts, createdAdmin: { generatedPassword: false } })).toContain(
      'First admin:  admin@localhost  (its password is ADMIN_PASSWORD)',
    );
  });

  it('with DATABASE_URL and SMTP_URL, names no local folder', () => {
    const text = startSummary({ ...facts, dataDir: null, outboxDir: null });
    expect(text).toContain('Data:         the PostgreSQL server of DATABASE_URL');
    expect(text).not.toContain('Mail:');
    expect(text).not.toContain('/srv/puente');
  });

  it('without PUBLIC_BASE_URL says where links point and what to set on a server; with it, nothing', () => {
    expect(startSummary(facts)).toContain(
      'Links:        links in mails use http://localhost:3000; on a server, set PUBLIC_BASE_URL to its address\n',
    );
    const set = startSummary({ ...facts, publicUrl: 'https://puente.example.org', publicUrlSet: true });
    expect(set).toContain('Public site:  https://puente.example.org/\n');
    expect(set).not.toContain('Links:');
  });
});

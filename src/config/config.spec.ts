import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, parseDuration, parseQuietHours, SETTINGS } from './config.js';

describe('configuration', () => {
  it('has a default for everything when the environment is empty', () => {
    const c = loadConfig({}, '/srv/puente');
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('/srv/puente/data');
    expect(c.outboxDir).toBe('/srv/puente/data/outbox');
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeNull();
    expect(c.authTokenTtlSeconds).toBe(12 * 3600);
    expect(c.quietHours).toEqual({ start: 21 * 60, end: 8 * 60 });
    expect(c.publicRateLimitPerMinute).toBe(30);
    expect(c.trustProxy).toBe(false);
    expect(c.remindersEnabled).toBe(true);
  });

  it('follows PORT in the default public URL and DATA_DIR in the default outbox', () => {
    const c = loadConfig({ PORT: '8080', DATA_DIR: '/var/lib/puente' });
    expect(c.publicBaseUrl).toBe('http://localhost:8080');
    expect(c.outboxDir).toBe('/var/lib/puente/outbox');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['AUTH_TOKEN_TTL', 'forever'],
    ['QUIET_HOURS', '9pm-8am'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_PASSWORD', 'short'],
    ['PUBLIC_RATE_LIMIT_PER_MINUTE', '-1'],
    ['SMTP_URL', 'http://mail'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('never echoes a database password in its message', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('parses durations and quiet hours', () => {
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('22:30-07:15')).toEqual({ start: 1350, end: 435 });
  });

  it('documents every setting in the README, as a row of its configuration table, and no other', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration\n'));
    const table = section.slice(0, section.indexOf('\n## ', 1));
    const rows = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it('gives each setting the README table’s default', () => {
    const readme = readFileSync('README.md', 'utf8');
    const wrong: string[] = [];
    for (const [name, spec] of Object.entries(SETTINGS as Record<string, { default?: string }>)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      const shown = row?.split('|').at(-2)?.trim();
      // A value in backticks (`3000`), or words as they are (a free port).
      if (spec.default !== undefined && shown !== spec.default && !shown?.includes(`\`${spec.default}\``))
        wrong.push(`${name}: README says ${shown}, config.ts ${spec.default}`);
    }
    expect(wrong).toEqual([]);
  });
});

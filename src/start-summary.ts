import { join } from 'node:path';

export interface StartFacts {
  /** Where supporters go: PUBLIC_BASE_URL, else this machine's address and port. */
  publicUrl: string;
  /** PUBLIC_BASE_URL is set; without it, links in mails point at localhost, which is wrong on a server. */
  publicUrlSet: boolean;
  adminEmail: string | null;
  /** This run created the first admin: with a generated password (printed above), or ADMIN_PASSWORD. */
  createdAdmin: { generatedPassword: boolean } | null;
  /** The embedded PostgreSQL's data folder (`DATA_DIR`), or null with DATABASE_URL. */
  dataDir: string | null;
  /** Where mail goes when there is no SMTP_URL, or null. */
  outboxDir: string | null;
  pid: number;
}

/** What `npm start` prints once it is up: what a person needs next. */
export function startSummary(f: StartFacts): string {
  const lines = [
    '',
    '  Puente is running.',
    `    Public site:  ${f.publicUrl}/`,
    `    Console:      ${f.publicUrl}/admin`,
  ];
  if (!f.publicUrlSet)
    lines.push(
      `    Links:        links in mails use ${f.publicUrl}; on a server, set PUBLIC_BASE_URL to its address`,
    );
  if (f.adminEmail) {
    let how = '';
    if (f.createdAdmin?.generatedPassword) how = '  (its password is printed above, once)';
    else if (f.createdAdmin) how = '  (its password is ADMIN_PASSWORD)';
    lines.push(`    First admin:  ${f.adminEmail}${how}`);
  }
  lines.push(
    f.dataDir
      ? `    Data:         ${f.dataDir}  (PostgreSQL in ${join(f.dataDir, 'pg')}; back it up with: npm run cli -- backup)`
      : '    Data:         the PostgreSQL server of DATABASE_URL',
  );
  if (f.outboxDir)
    lines.push(`    Mail:         written as .eml files to ${f.outboxDir} (set SMTP_URL to send)`);
  lines.push(`    Stop:         Ctrl-C here (or kill ${f.pid}); the data stays for the next npm start.`, '');
  return lines.join('\n');
}

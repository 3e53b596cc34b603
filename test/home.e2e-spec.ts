import supertest from 'supertest';
import {
  activeCampaign,
  ADMIN,
  adminToken,
  createCampaign,
  createOrganization,
} from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The home page at `/`: public, bilingual, the active campaigns, the console, first-run help. */
describe('home page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('on a fresh install tells the admin how to log in, in both languages, never the password', async () => {
    const en = await t.http.get('/?lang=en').expect(200);
    expect(en.type).toBe('text/html');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('data-testid="first-run"');
    // The page is public: an address someone chose as ADMIN_EMAIL is not on it.
    expect(en.text).toContain('Log in with the first admin account: the email you set as ADMIN_EMAIL.');
    expect(en.text).not.toContain(ADMIN.email);
    expect(en.text).toContain('npm run cli -- user:reset-password --email ADMIN_EMAIL');
    expect(en.text).toContain('href="/admin"');
    expect(en.text).toContain('No campaign is open yet.');
    expect(en.text).toContain(
      'Create your organization (Organizations, in the console), then its first campaign',
    );
    expect(en.text).not.toContain(ADMIN.password);

    const es = await t.http.get('/').set('accept-language', 'es-MX,es;q=0.9').expect(200);
    expect(es.text).toContain('<html lang="es">');
    expect(es.text).toContain(
      'Entra con la primera cuenta de administración: el correo que pusiste en ADMIN_EMAIL.',
    );
    expect(es.text).not.toContain(ADMIN.email);
    expect(es.text).toContain('Consola de organización');
    expect(es.text).toContain(
      'Crea tu organización (Organizaciones, en la consola), luego su primera campaña',
    );
    expect(es.text).not.toContain(ADMIN.password);
  });

  it('on a fresh install with the default ADMIN_EMAIL names that account (it is in the README anyway)', async () => {
    await t.db.query(`UPDATE users SET email = 'admin@localhost' WHERE email = $1`, [ADMIN.email]);
    try {
      const en = await t.http.get('/?lang=en').expect(200);
      expect(en.text).toContain('<strong data-testid="first-admin-email">admin@localhost</strong>');
      expect(en.text).toContain('npm run cli -- user:reset-password --email admin@localhost');
    } finally {
      await t.db.query(`UPDATE users SET email = $1 WHERE email = 'admin@localhost'`, [ADMIN.email]);
    }
  });

  it('on a fresh install the console sends the admin to create an organization before a campaign', async () => {
    const agent = supertest.agent(t.app.getHttpServer());
    const form = await agent.get('/admin/login?lang=en').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ _csrf: csrf, email: ADMIN.email, password: ADMIN.password })
      .expect(303);
    const page = await agent.get('/admin/campaigns/new').expect(200);
    expect(page.text).toContain(
      '<p class="notice" role="status" data-testid="no-organization">A campaign is run by an organization, and there is none yet. Create one first: <a href="/admin/organizations">Organizations</a></p>',
    );
    expect(page.text).not.toContain('An administrator creates organizations');
  });

  it('lists active campaigns in the reader’s language, not drafts, and drops the first-run help', async () => {
    const admin = await adminToken(t);
    const active = await activeCampaign(t, admin, {
      title: { en: 'Union at the Silao plant', es: 'Sindicato en la planta de Silao' },
      summary: { en: 'Workers won a union vote.', es: 'Las y los trabajadores ganaron la votación.' },
    });
    const draft = await createCampaign(t, admin, { title: { en: 'Secret draft plan', es: 'Plan secreto' } });
    const ended = await activeCampaign(t, admin, { title: { en: 'Finished fight', es: 'Lucha terminada' } });
    await t.http
      .patch(`/api/campaigns/${ended.id}`)
      .auth(admin, { type: 'bearer' })
      .send({ status: 'won' })
      .expect(200);

    const en = await t.http.get('/?lang=en').expect(200);
    expect(en.text).toContain(`<a href="/c/${active.slug}">Union at the Silao plant</a>`);
    expect(en.text).toContain('Workers won a union vote.');
    expect(en.text).toContain('General Motors · Silao · MX');
    // Grouped under the organization that runs them.
    expect(en.text).toContain('<h3 data-testid="organization">Test organization</h3>');
    expect(en.text).not.toContain(draft.slug);
    expect(en.text).not.toContain('Secret draft plan');
    expect(en.text).not.toContain(ended.slug);
    expect(en.text).not.toContain('data-testid="first-run"');
    expect(en.text).not.toContain('No campaign is open yet.');

    const es = await t.http.get('/?lang=es').expect(200);
    expect(es.text).toContain(`<a href="/c/${active.slug}">Sindicato en la planta de Silao</a>`);
    expect(es.text).toContain('Las y los trabajadores ganaron la votación.');
    expect(es.text).toContain('Campañas activas');
    expect(es.text).not.toContain('Plan secreto');
  });

  it('lists each organization that has an active campaign once, with its own campaigns under it', async () => {
    const admin = await adminToken(t);
    const other = await createOrganization(t, admin, { name: 'Comité Fronterizo de Obreras' });
    const theirs = await activeCampaign(t, admin, {
      organizationId: other.id,
      title: { en: 'Maquila workers in Juárez', es: 'Obreras de la maquila en Juárez' },
    });
    const quiet = await createOrganization(t, admin, { name: 'Quiet committee' });
    await createCampaign(t, admin, { organizationId: quiet.id, title: { en: 'Not yet', es: 'Todavía no' } });
    const ours = await activeCampaign(t, admin, { title: { en: 'Second one of ours', es: 'Otra nuestra' } });

    for (const lang of ['en', 'es']) {
      const html = (await t.http.get(`/?lang=${lang}`).expect(200)).text;
      // Each organization's heading, then the campaigns up to the next heading.
      const groups = new Map(
        html
          .split('<h3 data-testid="organization">')
          .slice(1)
          .map((part) => {
            const [name, rest] = part.split('</h3>');
            return [name, [...rest.matchAll(/<a href="\/c\/([^"]+)">/g)].map((m) => m[1])] as const;
          }),
      );
      expect([...groups.keys()].sort()).toEqual(['Comité Fronterizo de Obreras', 'Test organization']);
      expect(groups.get('Comité Fronterizo de Obreras')).toEqual([theirs.slug]);
      expect(groups.get('Test organization')).toContain(ours.slug);
      expect(groups.get('Test organization')).not.toContain(theirs.slug);
      expect(html).not.toContain('Quiet committee'); // nothing active: nothing to join yet
    }
    expect((await t.http.get('/?lang=es').expect(200)).text).toContain('Obreras de la maquila en Juárez');
  });
});

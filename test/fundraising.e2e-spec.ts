import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('fundraising: fundraisers, donations, exchange rates, tallies', () => {
  let t: TestApp;
  let admin: string;
  let org: Staff;
  let coord: Staff;
  let outsider: Staff;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    coord = await createStaff(t, admin, 'coordinator');
    outsider = await createStaff(t, admin, 'coordinator');
    ({ id: campaignId } = await activeCampaign(t, org.token));
    await addMember(t, org.token, campaignId, coord.id, 'coordinator');
    const other = await activeCampaign(t, org.token);
    await addMember(t, org.token, other.id, outsider.id, 'coordinator');
    // Rates are entered as USD→MXN only; MXN→USD conversions use them inverted.
    for (const [rate, validFrom] of [
      ['20', '2026-03-01'],
      ['16', '2026-03-10'],
      ['17.2345', '2026-04-01'],
    ]) {
      await t.http
        .post(`/api/organizations/${org.organizationId}/exchange-rates`)
        .auth(org.token, { type: 'bearer' })
        .send({ base: 'USD', quote: 'MXN', rate, validFrom })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  async function fundraiser(goal: { amount: string; currency: string }, campaign = campaignId) {
    const res = await t.http
      .post(`/api/campaigns/${campaign}/fundraisers`)
      .auth(org.token, { type: 'bearer' })
      .send({ title: { en: 'Strike fund', es: 'Fondo de huelga' }, goal });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const donate = (fundraiserId: string, body: object, token = coord.token) =>
    t.http.post(`/api/fundraisers/${fundraiserId}/donations`).auth(token, { type: 'bearer' }).send(body);

  const received = (amount: string, currency: string, receivedAt?: string, extra: object = {}) => ({
    amount: { amount, currency },
    status: 'received',
    method: 'cash',
    ...(receivedAt ? { receivedAt } : {}),
    ...extra,
  });

  const tally = async (fundraiserId: string) => {
    const res = await t.http
      .get(`/api/fundraisers/${fundraiserId}/tally`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    return res.body;
  };

  it('tallies 10,000 donations of 0.10 USD to exactly 1000.00 USD', async () => {
    const id = await fundraiser({ amount: '1000.00', currency: 'USD' });
    // Five through the API (the real path), then 9,995 more with one INSERT … SELECT generate_series
    // straight into the table, so the test stays fast; the tally then sums all 10,000 in SQL.
    for (let i = 0; i < 5; i++) await donate(id, received('0.10', 'USD', '2026-03-01')).expect(201);
    await t.db.query(
      `INSERT INTO donations (fundraiser_id, amount_minor, currency, status, method, received_at)
       SELECT $1, 10, 'USD', 'received', 'cash', '2026-03-01T12:00:00Z' FROM generate_series(1, 9995)`,
      [id],
    );
    const body = await tally(id);
    expect(body.byCurrency).toEqual([
      expect.objectContaining({
        currency: 'USD',
        received: { amount: '1000.00', currency: 'USD' },
        receivedCount: 10000,
      }),
    ]);
    expect(body.converted).toMatchObject({
      received: { amount: '1000.00', currency: 'USD' },
      percentOfGoal: '100.00',
      goalReached: true,
      complete: true,
    });
    expect(body.donors).toEqual({ supporters: 0, anonymousDonations: 10000, total: 10000 });
  });

  it('converts MXN into a USD goal with the (inverse) rate valid on each date, rounding once half-even', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    await donate(id, received('10.00', 'USD', '2026-03-02')).expect(201);
    await donate(id, received('250.50', 'MXN', '2026-03-05T12:00:00Z')).expect(201);
    await donate(id, received('99.92', 'MXN', '2026-03-12')).expect(201);
    // Hand arithmetic (USD→MXN entered; MXN→USD = 1 / rate):
    //   10.00 USD                                  = 10.000 USD
    //   250.50 MXN on 03-05, rate 20 (from 03-01)  = 12.525 USD
    //    99.92 MXN on 03-12, rate 16 (from 03-10)  =  6.245 USD
    //   exact sum 28.770 USD → 28.77. (Rounding each group first would give 10 + 12.52 + 6.24 = 28.76.)
    //   28.77 / 100.00 = 28.77 %
    const body = await tally(id);
    expect(body.converted).toMatchObject({
      currency: 'USD',
      received: { amount: '28.77', currency: 'USD' },
      percentOfGoal: '28.77',
      goalReached: false,
      complete: true,
      unconverted: [],
    });
    expect(body.converted.groups).toEqual([
      expect.objectContaining({
        currency: 'MXN',
        amount: { amount: '250.50', currency: 'MXN' },
        rate: expect.objectContaining({ rate: '20', validFrom: '2026-03-01', inverse: true }),
        converted: { amount: '12.52', currency: 'USD' },
      }),
      expect.objectContaining({
        currency: 'MXN',
        amount: { amount: '99.92', currency: 'MXN' },
        rate: expect.objectContaining({ rate: '16', validFrom: '2026-03-10', inverse: true }),
        converted: { amount: '6.24', currency: 'USD' },
      }),
    ]);
    const mxn = body.byCurrency.find((c: { currency: string }) => c.currency === 'MXN');
    expect(mxn.received).toEqual({ amount: '350.42', currency: 'MXN' });
  });

  it('converts USD into an MXN goal with the direct rate and rounds a half to even', async () => {
    const id = await fundraiser({ amount: '1000.00', currency: 'MXN' });
    await donate(id, received('10.00', 'USD', '2026-03-05')).expect(201);
    await donate(id, received('10.00', 'USD', '2026-04-02')).expect(201);
    await donate(id, received('5.00', 'MXN', '2026-04-02')).expect(201);
    // 10.00 USD × 20      = 200.000 MXN
    // 10.00 USD × 17.2345 = 172.345 MXN
    //  5.00 MXN           =   5.000 MXN
    // exact 377.345 → half-even at the centavo → 377.34 (4 is even); 377.34 / 1000 = 37.73 %
    const body = await tally(id);
    expect(body.converted).toMatchObject({
      received: { amount: '377.34', currency: 'MXN' },
      percentOfGoal: '37.73',
      complete: true,
    });
    expect(body.converted.groups.map((g: { rate: { inverse: boolean } }) => g.rate.inverse)).toEqual([
      false,
      false,
    ]);
  });

  it('reports donations with no usable rate as unconverted, naming them, never guessing', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    await donate(id, received('20.00', 'USD', '2026-03-02')).expect(201);
    const early = await donate(id, received('50.00', 'MXN', '2026-02-20')).expect(201); // before any rate
    const cad = await donate(id, received('7.50', 'CAD', '2026-03-02')).expect(201); // no CAD rate at all
    const body = await tally(id);
    expect(body.converted.received).toEqual({ amount: '20.00', currency: 'USD' });
    expect(body.converted.complete).toBe(false);
    expect(body.converted.unconverted).toEqual([
      {
        currency: 'CAD',
        amount: { amount: '7.50', currency: 'CAD' },
        count: 1,
        dates: ['2026-03-02'],
        donationIds: [cad.body.donation.id],
      },
      {
        currency: 'MXN',
        amount: { amount: '50.00', currency: 'MXN' },
        count: 1,
        dates: ['2026-02-20'],
        donationIds: [early.body.donation.id],
      },
    ]);
  });

  it('lowers the tally on a refund, keeps the donation and audit-logs it', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    await donate(id, received('20.00', 'USD')).expect(201);
    const gift = await donate(id, received('5.00', 'USD')).expect(201);
    expect((await tally(id)).converted.received.amount).toBe('25.00');
    const res = await t.http
      .post(`/api/donations/${gift.body.donation.id}/refund`)
      .auth(coord.token, { type: 'bearer' })
      .send({ reason: 'card chargeback' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'refunded', refundedBy: coord.id });
    const after = await tally(id);
    expect(after.converted.received.amount).toBe('20.00');
    expect(after.byCurrency[0]).toMatchObject({
      received: { amount: '20.00', currency: 'USD' },
      refunded: { amount: '5.00', currency: 'USD' },
      refundedCount: 1,
    });
    await t.http
      .post(`/api/donations/${gift.body.donation.id}/refund`)
      .auth(coord.token, { type: 'bearer' })
      .send({})
      .expect(200);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'donation.refunded' AND subject_id = $1`,
      [gift.body.donation.id],
    );
    expect(rows[0].n).toBe(1);
    const pledged = await donate(id, {
      amount: { amount: '1.00', currency: 'USD' },
      status: 'pledged',
      method: 'other',
    });
    await t.http
      .post(`/api/donations/${pledged.body.donation.id}/refund`)
      .auth(coord.token, { type: 'bearer' })
      .send({})
      .expect(409);
  });

  it('audits an edit of note and method', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    const gift = await donate(id, received('3.00', 'USD')).expect(201);
    const res = await t.http
      .patch(`/api/donations/${gift.body.donation.id}`)
      .auth(coord.token, { type: 'bearer' })
      .send({ method: 'check', note: 'check #1024' })
      .expect(200);
    expect(res.body).toMatchObject({ method: 'check', note: 'check #1024' });
    const { rows } = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'donation.edited' AND subject_id = $1`,
      [gift.body.donation.id],
    );
    expect(rows[0].details).toMatchObject({ before: { method: 'cash' }, after: { method: 'check' } });
  });

  it('counts the same externalRef once: 201 then 200, and one row from 20 concurrent posts', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    const body = received('12.00', 'USD', undefined, { externalRef: 'ch_seq_1', method: 'card' });
    const first = await donate(id, body).expect(201);
    const again = await donate(id, body).expect(200);
    expect(again.body).toMatchObject({ status: 'existing', donation: { id: first.body.donation.id } });

    const rush = received('9.99', 'USD', undefined, {
      externalRef: 'ch_rush',
      method: 'card',
      donor: { email: 'rush@example.org', firstName: 'Rush' },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => donate(id, rush)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(results.map((r) => r.body.donation.id)).size).toBe(1);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM donations WHERE fundraiser_id = $1 AND external_ref = 'ch_rush'`,
      [id],
    );
    expect(rows[0].n).toBe(1);
    expect((await tally(id)).converted.received.amount).toBe('21.99');

    const clash = await donate(id, { ...body, amount: { amount: '13.00', currency: 'USD' } }).expect(409);
    expect(clash.body.code).toBe('external_ref_conflict');
  });

  it.each([
    [{ amount: '12.345', currency: 'USD' }, 'amount.amount'],
    [{ amount: '-5', currency: 'USD' }, 'amount.amount'],
    [{ amount: '0', currency: 'USD' }, 'amount.amount'],
    [{ amount: '5', currency: 'usd' }, 'amount.currency'],
  ])('refuses the amount %j with a 400 naming %s', async (amount, field) => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    const res = await donate(id, { amount, status: 'received', method: 'cash' }).expect(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM donations WHERE fundraiser_id = $1`, [
      id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a bad goal and a coordinator creating a fundraiser', async () => {
    const res = await t.http
      .post(`/api/campaigns/${campaignId}/fundraisers`)
      .auth(org.token, { type: 'bearer' })
      .send({ title: { en: 'Fund' }, goal: { amount: '10.001', currency: 'USD' } })
      .expect(400);
    expect(res.body.details[0].field).toBe('goal.amount');
    await t.http
      .post(`/api/campaigns/${campaignId}/fundraisers`)
      .auth(coord.token, { type: 'bearer' })
      .send({ title: { en: 'Fund' }, goal: { amount: '10', currency: 'USD' } })
      .expect(403);
  });

  it('answers 404 to a coordinator of another campaign', async () => {
    const id = await fundraiser({ amount: '100.00', currency: 'USD' });
    const gift = await donate(id, received('1.00', 'USD')).expect(201);
    const as = outsider.token;
    await t.http.get(`/api/fundraisers/${id}`).auth(as, { type: 'bearer' }).expect(404);
    await t.http.get(`/api/fundraisers/${id}/tally`).auth(as, { type: 'bearer' }).expect(404);
    await t.http.get(`/api/fundraisers/${id}/donations`).auth(as, { type: 'bearer' }).expect(404);
    await donate(id, received('1.00', 'USD'), as).expect(404);
    await t.http
      .post(`/api/donations/${gift.body.donation.id}/refund`)
      .auth(as, { type: 'bearer' })
      .send({})
      .expect(404);
    await t.http.get(`/api/campaigns/${campaignId}/fundraisers`).auth(as, { type: 'bearer' }).expect(404);
  });

  it('shows a public donate pledge as a pledged donation; a received gift from the same email fulfils it; public totals have no names', async () => {
    const c = await activeCampaign(t, org.token);
    await addMember(t, org.token, c.id, coord.id, 'coordinator');
    const id = await fundraiser({ amount: '5000.00', currency: 'MXN' }, c.id);
    await t.http
      .post(`/api/public/campaigns/${c.slug}/pledges`)
      .send({
        email: 'rosa@example.org',
        firstName: 'Rosa',
        lastName: 'Ibarra',
        kind: 'donate',
        amount: { amount: '300.00', currency: 'MXN' },
      })
      .expect(201);
    const list = await t.http
      .get(`/api/fundraisers/${id}/donations`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        status: 'pledged',
        amount: { amount: '300.00', currency: 'MXN' },
        pledgeId: expect.any(String),
        donor: expect.objectContaining({ email: 'rosa@example.org' }),
      }),
    ]);
    const pledgedDonationId = list.body.items[0].id as string;
    expect((await tally(id)).byCurrency[0].pledged).toEqual({ amount: '300.00', currency: 'MXN' });

    const pub = await t.http.get(`/api/public/campaigns/${c.slug}`).expect(200);
    expect(pub.body.totals.money.fundraisers[0]).toMatchObject({
      fundraiserId: id,
      byCurrency: [expect.objectContaining({ pledged: { amount: '300.00', currency: 'MXN' } })],
    });

    const gift = await donate(
      id,
      received('250.00', 'MXN', undefined, {
        method: 'transfer',
        donor: { email: 'ROSA@example.org', firstName: 'Rosa' },
      }),
    ).expect(201);
    const pledges = await t.http
      .get(`/api/campaigns/${c.id}/pledges?kind=donate`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(pledges.body.items[0]).toMatchObject({
      status: 'fulfilled',
      fulfilledBy: `donation:${gift.body.donation.id}`,
    });
    const old = await t.http
      .get(`/api/donations/${pledgedDonationId}`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(old.body).toMatchObject({ status: 'fulfilled', fulfilledByDonationId: gift.body.donation.id });
    const after = await tally(id);
    expect(after.byCurrency[0]).toMatchObject({
      received: { amount: '250.00', currency: 'MXN' },
      pledged: { amount: '0.00', currency: 'MXN' },
      pledgedCount: 0,
    });
    expect(after.donors).toEqual({ supporters: 1, anonymousDonations: 0, total: 1 });

    const publicAfter = await t.http.get(`/api/public/campaigns/${c.slug}`).expect(200);
    const money = publicAfter.body.totals.money;
    expect(money.fundraisers[0].converted.received).toEqual({ amount: '250.00', currency: 'MXN' });
    const text = JSON.stringify(money);
    expect(text).not.toMatch(/rosa|Rosa|Ibarra|@/);
    expect(text).not.toContain(gift.body.donation.id);

    const supporterId = gift.body.donation.donor.supporterId as string;
    const staffView = await t.http
      .get(`/api/campaigns/${c.id}/supporters/${supporterId}`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(staffView.body.activity.donations.map((d: { status: string }) => d.status).sort()).toEqual([
      'fulfilled',
      'received',
    ]);
  });

  describe('exchange rates', () => {
    const rate = (body: object, token = org.token) =>
      t.http
        .post(`/api/organizations/${org.organizationId}/exchange-rates`)
        .auth(token, { type: 'bearer' })
        .send(body);

    it('answers 200 for the same rate again (even written differently) and 409 for a different one', async () => {
      const body = { base: 'EUR', quote: 'MXN', rate: '19.5', validFrom: '2026-05-01' };
      const first = await rate(body).expect(201);
      const again = await rate({ ...body, rate: '19.5000' }).expect(200);
      expect(again.body).toMatchObject({
        status: 'existing',
        rate: { id: first.body.rate.id, rate: '19.5' },
      });
      const clash = await rate({ ...body, rate: '19.6' }).expect(409);
      expect(clash.body.code).toBe('rate_conflict');
      const fixed = await t.http
        .patch(`/api/exchange-rates/${first.body.rate.id}`)
        .auth(org.token, { type: 'bearer' })
        .send({ rate: '19.6', reason: 'typo' })
        .expect(200);
      expect(fixed.body.rate).toBe('19.6');
      const { rows } = await t.db.query(
        `SELECT details FROM audit_log WHERE action = 'exchange_rate.updated' AND subject_id = $1`,
        [first.body.rate.id],
      );
      expect(rows[0].details).toMatchObject({ from: '19.5', to: '19.6' });
    });

    it('stores the rate text-exact and lets any staff read rates, organizers write them', async () => {
      await rate({ base: 'USD', quote: 'JPY', rate: '149.1234567891', validFrom: '2026-05-01' }).expect(201);
      const { rows } = await t.db.query(
        `SELECT rate::text AS rate FROM exchange_rates WHERE base = 'USD' AND quote = 'JPY'`,
      );
      expect(rows[0].rate).toBe('149.1234567891');
      await rate({ base: 'USD', quote: 'CAD', rate: '1.35', validFrom: '2026-05-01' }, coord.token).expect(
        403,
      );
      const list = await t.http
        .get(`/api/organizations/${org.organizationId}/exchange-rates?base=USD&quote=MXN`)
        .auth(coord.token, { type: 'bearer' })
        .expect(200);
      expect(list.body.items.map((r: { rate: string }) => r.rate)).toEqual(['17.2345', '16', '20']);
    });

    it.each([
      [{ base: 'USD', quote: 'MXN', rate: '1.12345678901', validFrom: '2026-06-01' }, 'rate'],
      [{ base: 'USD', quote: 'MXN', rate: '-17', validFrom: '2026-06-01' }, 'rate'],
      [{ base: 'USD', quote: 'MXN', rate: '0', validFrom: '2026-06-01' }, 'rate'],
      [{ base: 'USD', quote: 'USD', rate: '1', validFrom: '2026-06-01' }, 'quote'],
      [{ base: 'USD', quote: 'MXN', rate: '17', validFrom: '2026-02-30' }, 'validFrom'],
    ])('refuses %j naming %s', async (body, field) => {
      const res = await rate(body).expect(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });
});

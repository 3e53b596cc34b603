import { FINISH_GROUP, finishColumns, Finisher, type Finished } from './reminder-outcomes.js';

const AT = new Date('2026-03-14T16:00:00Z');
const sentMail = { messageId: 'm-sent', providerMessageId: 'p@x', sentAt: AT };

describe('finishColumns', () => {
  it('turns each kind of outcome into its row of the finish statement', () => {
    const cols = finishColumns([
      { id: 'a', outcome: { status: 'sent', sent: sentMail } },
      { id: 'b', outcome: { status: 'failed', error: 'bad', messageId: null } },
      { id: 'c', outcome: { status: 'skipped', error: 'erased' } },
      { id: 'd', outcome: { status: 'retried', error: '451', messageId: 'm-d', dueAt: AT } },
      { id: 'e', outcome: { status: 'deferred', dueAt: AT } },
    ]);
    expect(cols).toEqual({
      ids: ['a', 'b', 'c', 'd', 'e'],
      // retried and deferred go back to pending at their new time
      statuses: ['sent', 'failed', 'skipped', 'pending', 'pending'],
      dueAts: [null, null, null, AT, AT],
      // only a deferral gives its attempt back
      refunds: [0, 0, 0, 0, 1],
      errors: [null, 'bad', 'erased', '451', null],
      messageIds: ['m-sent', null, null, 'm-d', null],
    });
  });
});

describe('Finisher', () => {
  const outcome = { status: 'skipped', error: 'x' } as const;

  it(`records groups of ${FINISH_GROUP} while outcomes come in, one group at a time, then the rest`, async () => {
    const groups: string[][] = [];
    let running = 0;
    let overlapped = false;
    const finisher = new Finisher(
      async (group: Finished[]) => {
        overlapped ||= running > 0;
        running++;
        await new Promise((ok) => setTimeout(ok, 5));
        groups.push(group.map((g) => g.id));
        running--;
      },
      () => undefined,
    );
    for (let i = 0; i < FINISH_GROUP * 2 + 3; i++) finisher.add(`r${i}`, outcome);
    await finisher.close();
    expect(groups.map((g) => g.length)).toEqual([FINISH_GROUP, FINISH_GROUP, 3]);
    expect(groups.flat()).toEqual(Array.from({ length: FINISH_GROUP * 2 + 3 }, (_, i) => `r${i}`));
    expect(overlapped).toBe(false);
  });

  it('records a group that does not fill after its wait, without waiting for the claim to end', async () => {
    const groups: string[][] = [];
    const finisher = new Finisher(
      async (group) => void groups.push(group.map((g) => g.id)),
      () => undefined,
      10,
    );
    finisher.add('a', outcome);
    finisher.add('b', outcome);
    // Not closed: the sends of the claim are still going on.
    for (let i = 0; i < 200 && groups.length === 0; i++) await new Promise((ok) => setTimeout(ok, 10));
    expect(groups).toEqual([['a', 'b']]);
    finisher.add('c', outcome);
    await finisher.close();
    expect(groups).toEqual([['a', 'b'], ['c']]);
  });

  it('reports a group that could not be recorded and still records the next', async () => {
    const failed: string[][] = [];
    const recorded: string[] = [];
    let calls = 0;
    const finisher = new Finisher(
      async (group) => {
        if (calls++ === 0) throw new Error('connection lost');
        recorded.push(...group.map((g) => g.id));
      },
      (_e, group) => failed.push(group.map((g) => g.id)),
    );
    for (let i = 0; i < FINISH_GROUP + 1; i++) finisher.add(`r${i}`, outcome);
    await finisher.close();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toHaveLength(FINISH_GROUP);
    expect(recorded).toEqual([`r${FINISH_GROUP}`]);
  });
});

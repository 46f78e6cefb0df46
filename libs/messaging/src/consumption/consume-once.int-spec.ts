import { serviceDatabase } from '../testing/int-fixtures';
import { consumeOnce } from './consume-once';

describe('consumeOnce', () => {
  let db: Awaited<ReturnType<typeof serviceDatabase>>;

  beforeAll(async () => {
    db = await serviceDatabase('once');
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM counters`);
    await db.dataSource.query(`INSERT INTO counters (name, value) VALUES ('applied', 0)`);
  });

  async function counter(): Promise<number> {
    const [row] = await db.dataSource.query(`SELECT value FROM counters WHERE name = 'applied'`);
    return row.value;
  }

  const increment = (manager: Parameters<Parameters<typeof consumeOnce>[3]>[0]) =>
    manager
      .query(`UPDATE counters SET value = value + 1 WHERE name = 'applied'`)
      .then(() => undefined);

  it('applies the effect of a redelivered event only once', async () => {
    expect(await consumeOnce(db.dataSource, 'projector', 'evt-1', increment)).toBe('applied');
    expect(await consumeOnce(db.dataSource, 'projector', 'evt-1', increment)).toBe('duplicate');
    expect(await counter()).toBe(1);
  });

  it('applies the effect once when two deliveries of one event race', async () => {
    const outcomes = await Promise.all([
      consumeOnce(db.dataSource, 'projector', 'evt-race', increment),
      consumeOnce(db.dataSource, 'projector', 'evt-race', increment),
    ]);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    expect(await counter()).toBe(1);
  });

  it('lets each consumer apply the same event once', async () => {
    expect(await consumeOnce(db.dataSource, 'projector', 'evt-shared', increment)).toBe('applied');
    expect(await consumeOnce(db.dataSource, 'auditor', 'evt-shared', increment)).toBe('applied');
    expect(await counter()).toBe(2);
  });

  it('forgets a delivery whose effect failed, so the redelivery applies it', async () => {
    await expect(
      consumeOnce(db.dataSource, 'projector', 'evt-fail', async (manager) => {
        await increment(manager);
        throw new Error('effect failed half-way');
      }),
    ).rejects.toThrow('effect failed half-way');
    expect(await counter()).toBe(0);
    expect(await consumeOnce(db.dataSource, 'projector', 'evt-fail', increment)).toBe('applied');
    expect(await counter()).toBe(1);
  });
});

// Exactly-once effects on top of at-least-once delivery: dedupe by (consumer, event id).
import type { DataSource, EntityManager } from 'typeorm';
import { tableOf } from '../table-name';
import { ProcessedMessage } from './processed-message.entity';

/**
 * Records the event as processed and applies `effect` in one transaction. A redelivered event
 * finds its row and skips the effect; if the effect throws, the row rolls back with it so the
 * event can be processed again.
 */
export async function consumeOnce(
  dataSource: DataSource,
  consumer: string,
  eventId: string,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return dataSource.transaction(async (manager) => {
    // A concurrent delivery of the same event blocks here until the first one commits.
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${tableOf(manager, ProcessedMessage)} (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId],
    );
    if (inserted.length === 0) return 'duplicate';
    await effect(manager);
    return 'applied';
  });
}

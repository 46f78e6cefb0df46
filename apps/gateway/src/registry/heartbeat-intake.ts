import {
  HeartbeatRecordHeader,
  NotFoundError,
  decodeHeartbeatRecord,
  instanceKeyOf,
  type InstanceAddress,
} from '@mcp/protocol';
import type { ConsumedRecord, DeadLetter, RecordBatchContext } from '@mcp/messaging';
import { RetryPolicy } from '@mcp/resilience';
import { createCounter, type Logger } from '@mcp/telemetry';
import type { CredentialCheck } from './heartbeat-credentials';

/** Why a record was parked on the dead-letter topic. */
export type RefusalReason =
  'no_value' | 'not_json' | 'schema' | 'no_credential' | 'bad_credential' | 'missing_scope';

/**
 * Why a record was let go without renewing anything: it was fine, but names no registered
 * instance of its tenant, or the key store or the lease stream could not be reached in time (a
 * heartbeat is worthless later, so it is not parked for a replay).
 */
export type DropReason = 'unknown_instance' | 'credential_unchecked' | 'renew_failed';

export interface IntakeTally {
  renewed: number;
  deadLettered: Partial<Record<RefusalReason, number>>;
  dropped: Partial<Record<DropReason, number>>;
}

export interface HeartbeatIntakeDeps {
  credentials: { check(token: string): Promise<CredentialCheck> };
  /** HeartbeatService.renew: rejects with NotFoundError when the instance is not registered. */
  renew(address: InstanceAddress, sentAt: number): Promise<void>;
  logger: Logger;
  /** For renewals that fail for a moment (the lease stream busy or unreachable). */
  retry?: RetryPolicy;
}

const records = createCounter({
  name: 'mcp_gateway_heartbeat_records_total',
  help: 'Records taken off mcp.registry.heartbeats, by outcome (renewed, dead_lettered, dropped) and reason',
  labelNames: ['outcome', 'reason'],
});

// A renewal is worth a few quick tries; after that the instance's next heartbeat is due anyway.
const RENEW_RETRY = new RetryPolicy({
  maxAttempts: 3,
  backoff: { baseMs: 100, maxMs: 1_000, jitter: 'full' },
});

// Header names that may hold a credential; compared without case, since Kafka keeps case.
const CREDENTIAL_HEADERS = new Set([HeartbeatRecordHeader.Credential, 'authorization']);

interface Renewal {
  address: InstanceAddress;
  sentAt: number;
  records: number;
}

/**
 * Takes in a batch of records off the heartbeat topic: each must be a well-formed heartbeat with
 * a valid credential holding `registry:write`, or it is dead-lettered with the reason (minus the
 * credential). The tenant comes from the credential only. Valid heartbeats for the same instance
 * are renewed once, all at once, so their LeaseRenewed records share produce requests. Nothing
 * a record contains can stop the batch; only failing to dead-letter does (it is then delivered
 * again).
 */
export class HeartbeatIntake {
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: HeartbeatIntakeDeps) {
    this.retry = deps.retry ?? RENEW_RETRY;
  }

  async take(
    batch: readonly ConsumedRecord[],
    context: Pick<RecordBatchContext, 'deadLetter' | 'signal'>,
  ): Promise<IntakeTally> {
    const tally: IntakeTally = { renewed: 0, deadLettered: {}, dropped: {} };
    const letters: DeadLetter[] = [];
    const refuse = (record: ConsumedRecord, reason: RefusalReason, why: string) => {
      letters.push({
        source: withoutCredential(record),
        reason: why,
        stage: reason === 'no_value' || reason === 'not_json' ? 'decode' : 'validate',
      });
      tally.deadLettered[reason] = (tally.deadLettered[reason] ?? 0) + 1;
    };
    const drop = (reason: DropReason, count = 1) => {
      tally.dropped[reason] = (tally.dropped[reason] ?? 0) + count;
    };

    // One check per distinct credential: a batch usually holds few keys, many times over.
    const checks = new Map<string, Promise<CredentialCheck | undefined>>();
    const checkOnce = (token: string) => {
      let check = checks.get(token);
      if (!check) {
        check = this.deps.credentials.check(token).catch((error: unknown) => {
          this.deps.logger.warn({ err: error }, 'could not check a heartbeat credential');
          return undefined;
        });
        checks.set(token, check);
      }
      return check;
    };

    const vetted = await Promise.all(
      batch.map(async (record) => {
        const decoded = decodeHeartbeatRecord(record);
        return {
          record,
          decoded,
          check: decoded.ok ? await checkOnce(decoded.credential) : undefined,
        };
      }),
    );

    const renewals = new Map<string, Renewal>();
    for (const { record, decoded, check } of vetted) {
      if (!decoded.ok) {
        refuse(record, decoded.problem, decoded.reason);
      } else if (check === undefined) {
        drop('credential_unchecked');
      } else if (!check.ok) {
        refuse(record, check.problem, check.reason);
      } else {
        const address = { tenant: check.tenant, ...decoded.heartbeat };
        const key = instanceKeyOf(address.tenant, address.service, address.instanceId);
        const renewal = renewals.get(key);
        if (renewal) {
          renewal.sentAt = Math.max(renewal.sentAt, record.timestamp);
          renewal.records += 1;
        } else {
          renewals.set(key, { address, sentAt: record.timestamp, records: 1 });
        }
      }
    }

    let cutShort = false;
    await Promise.all([
      context.deadLetter(letters),
      ...[...renewals.values()].map(async (renewal) => {
        const outcome = await this.renew(renewal, context.signal);
        if (outcome === 'renewed') tally.renewed += renewal.records;
        else if (outcome === 'stopped') cutShort = true;
        else drop(outcome, renewal.records);
      }),
    ]);
    // Stopping cut renewals short: leave the batch uncommitted, so the next owner makes them.
    if (cutShort) throw context.signal.reason;
    count(tally);
    return tally;
  }

  private async renew(
    renewal: Renewal,
    signal: AbortSignal,
  ): Promise<'renewed' | 'stopped' | DropReason> {
    const { address, sentAt } = renewal;
    try {
      await this.retry.execute(() => this.deps.renew(address, sentAt), { signal });
      return 'renewed';
    } catch (error) {
      if (error instanceof NotFoundError) {
        // Another tenant's instance, a deregistered one, or a typo: nothing of this tenant to renew.
        this.deps.logger.debug(
          { tenant: address.tenant, service: address.service, instanceId: address.instanceId },
          'heartbeat record for an instance that is not registered; dropped',
        );
        return 'unknown_instance';
      }
      if (signal.aborted) return 'stopped';
      this.deps.logger.warn(
        { err: error, tenant: address.tenant, service: address.service },
        'could not renew a lease from a heartbeat record; dropped',
      );
      return 'renew_failed';
    }
  }
}

/** The record as it may be parked: every header that could hold a credential removed. */
function withoutCredential(record: ConsumedRecord): DeadLetter['source'] {
  const headers: NonNullable<ConsumedRecord['headers']> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    headers,
  };
}

function count(tally: IntakeTally): void {
  if (tally.renewed > 0) records.inc({ outcome: 'renewed', reason: 'ok' }, tally.renewed);
  for (const [reason, n] of Object.entries(tally.deadLettered)) {
    records.inc({ outcome: 'dead_lettered', reason }, n);
  }
  for (const [reason, n] of Object.entries(tally.dropped)) {
    records.inc({ outcome: 'dropped', reason }, n);
  }
}

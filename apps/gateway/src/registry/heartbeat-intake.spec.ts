import { Writable } from 'node:stream';
import {
  NotFoundError,
  UnavailableError,
  encodeHeartbeatRecord,
  type InstanceAddress,
} from '@mcp/protocol';
import type { ConsumedRecord, DeadLetter } from '@mcp/messaging';
import { RetryPolicy } from '@mcp/resilience';
import { createLogger } from '@mcp/telemetry';
import type { CredentialCheck } from './heartbeat-credentials';
import { HeartbeatIntake } from './heartbeat-intake';

const logger = createLogger({
  service: 'intake-spec',
  level: 'error',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

const ACME = 'mcp_00000000000000aa_' + 'a'.repeat(43);
const GLOBEX = 'mcp_00000000000000bb_' + 'b'.repeat(43);
const READER = 'mcp_00000000000000cc_' + 'c'.repeat(43);
const STALE = 'mcp_00000000000000dd_' + 'd'.repeat(43);

const checks: Record<string, CredentialCheck> = {
  [ACME]: { ok: true, tenant: 'acme' },
  [GLOBEX]: { ok: true, tenant: 'globex' },
  [READER]: { ok: false, problem: 'missing_scope', reason: 'lacks registry:write' },
  [STALE]: { ok: false, problem: 'bad_credential', reason: 'not valid' },
};

let offset = 0;
function record(
  value: string | null,
  headers: Record<string, string> = {},
  timestamp = 1_000,
): ConsumedRecord {
  return {
    topic: 'mcp.registry.heartbeats',
    partition: 2,
    offset: String(offset++),
    key: Buffer.from('orders/o-1'),
    value: value === null ? null : Buffer.from(value),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    timestamp,
  };
}

function heartbeat(instanceId: string, key: string, timestamp = 1_000, extra = {}) {
  const encoded = encodeHeartbeatRecord({ service: 'orders', instanceId }, key);
  return record(encoded.value, { ...encoded.headers, ...extra }, timestamp);
}

/** A registry that knows some instances, can fail on cue, and records every renewal. */
class FakeLeases {
  readonly registered = new Set<string>();
  readonly renewed: { address: InstanceAddress; sentAt: number }[] = [];
  failures: Error[] = [];
  hold: Promise<void> | undefined;

  renew = async (address: InstanceAddress, sentAt: number): Promise<void> => {
    if (this.hold) await this.hold;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const key = `${address.tenant}/${address.service}/${address.instanceId}`;
    if (!this.registered.has(key)) throw new NotFoundError(`${key} is not registered`);
    this.renewed.push({ address, sentAt });
  };
}

function setup(options: { keyStoreDown?: boolean } = {}) {
  const leases = new FakeLeases();
  const checked: string[] = [];
  const parked: DeadLetter[] = [];
  const intake = new HeartbeatIntake({
    credentials: {
      check: async (token) => {
        checked.push(token);
        if (options.keyStoreDown) throw new Error('connection refused');
        return checks[token] ?? { ok: false, problem: 'bad_credential', reason: 'unknown' };
      },
    },
    renew: leases.renew,
    logger,
    retry: new RetryPolicy({ maxAttempts: 3, backoff: { baseMs: 1, maxMs: 1, jitter: 'none' } }),
  });
  const stop = new AbortController();
  const context = {
    signal: stop.signal,
    deadLetter: async (letters: DeadLetter[]) => void parked.push(...letters),
  };
  return { leases, checked, parked, intake, context, stop };
}

describe('HeartbeatIntake', () => {
  it("renews the instance of the credential's tenant, from when the record reached Kafka", async () => {
    const { leases, intake, context, parked } = setup();
    leases.registered.add('acme/orders/o-1');
    const tally = await intake.take([heartbeat('o-1', ACME, 4_242)], context);
    expect(leases.renewed).toEqual([
      { address: { tenant: 'acme', service: 'orders', instanceId: 'o-1' }, sentAt: 4_242 },
    ]);
    expect(tally).toEqual({ renewed: 1, deadLettered: {}, dropped: {} });
    expect(parked).toEqual([]);
  });

  it('parks every record it cannot vet, with the reason and without the credential, and still renews the good one behind them', async () => {
    const { leases, intake, context, parked } = setup();
    leases.registered.add('acme/orders/o-1');
    const bad = [
      record('not json', { mcp_api_key: ACME, trace: 't-1' }),
      record('{"service":"orders"}', { mcp_api_key: ACME }),
      record('{"service":"orders","instanceId":"o-1"}', { Authorization: `Bearer ${ACME}` }),
      heartbeat('o-1', STALE, 1_000, { MCP_API_KEY: STALE }),
      heartbeat('o-1', READER),
    ];
    const tally = await intake.take([...bad, heartbeat('o-1', ACME)], context);

    expect(parked.map((l) => [l.source.offset, l.stage])).toEqual([
      [bad[0].offset, 'decode'],
      [bad[1].offset, 'validate'],
      [bad[2].offset, 'validate'],
      [bad[3].offset, 'validate'],
      [bad[4].offset, 'validate'],
    ]);
    expect(parked.map((l) => l.reason)).toEqual([
      expect.stringMatching(/not valid JSON/),
      expect.stringMatching(/instanceId/),
      expect.stringMatching(/mcp_api_key is missing/),
      'not valid',
      'lacks registry:write',
    ]);
    for (const { source } of parked) {
      const names = Object.keys(source.headers ?? {}).map((n) => n.toLowerCase());
      expect(names).not.toContain('mcp_api_key');
      expect(names).not.toContain('authorization');
      expect(JSON.stringify(source)).not.toContain(ACME.slice(21));
    }
    expect(parked[0].source.headers).toEqual({ trace: Buffer.from('t-1') });
    expect(parked[0].source.value?.toString()).toBe('not json');
    expect(leases.renewed).toHaveLength(1);
    expect(tally).toEqual({
      renewed: 1,
      deadLettered: {
        not_json: 1,
        schema: 1,
        no_credential: 1,
        bad_credential: 1,
        missing_scope: 1,
      },
      dropped: {},
    });
  });

  it("never renews another tenant's instance: the same name under a key of another tenant is that tenant's, and dropped when it has none", async () => {
    const { leases, intake, context, parked } = setup();
    leases.registered.add('acme/orders/o-1');
    const tally = await intake.take([heartbeat('o-1', GLOBEX)], context);
    expect(leases.renewed).toEqual([]);
    expect(tally.dropped).toEqual({ unknown_instance: 1 });
    expect(parked).toEqual([]); // a well-formed record is not a dead letter
  });

  it('renews each instance once per batch, from its latest record, and checks each key once', async () => {
    const { leases, intake, context, checked } = setup();
    leases.registered.add('acme/orders/o-1');
    leases.registered.add('acme/orders/o-2');
    const tally = await intake.take(
      [
        heartbeat('o-1', ACME, 1_000),
        heartbeat('o-2', ACME, 1_500),
        heartbeat('o-1', ACME, 3_000),
        heartbeat('o-1', ACME, 2_000),
      ],
      context,
    );
    expect(leases.renewed.map((r) => [r.address.instanceId, r.sentAt]).sort()).toEqual([
      ['o-1', 3_000],
      ['o-2', 1_500],
    ]);
    expect(checked).toEqual([ACME]);
    expect(tally.renewed).toBe(4);
  });

  it('retries a renewal that fails for a moment, and lets it go after that without holding up the batch', async () => {
    const { leases, intake, context } = setup();
    leases.registered.add('acme/orders/o-1');
    leases.failures = [new UnavailableError('busy')];
    await expect(intake.take([heartbeat('o-1', ACME)], context)).resolves.toMatchObject({
      renewed: 1,
    });

    leases.failures = [1, 2, 3].map(() => new UnavailableError('still busy'));
    await expect(intake.take([heartbeat('o-1', ACME)], context)).resolves.toMatchObject({
      renewed: 0,
      dropped: { renew_failed: 1 },
    });
    expect(leases.renewed).toHaveLength(1);
  });

  it('drops, rather than parks, records whose key cannot be checked while the key store is down', async () => {
    const { leases, intake, context, parked } = setup({ keyStoreDown: true });
    leases.registered.add('acme/orders/o-1');
    const tally = await intake.take([heartbeat('o-1', ACME), record('garbage')], context);
    expect(tally.dropped).toEqual({ credential_unchecked: 1 });
    expect(parked).toHaveLength(1);
    expect(leases.renewed).toEqual([]);
  });

  it('rejects, so the batch is delivered again, when its dead letters cannot be written', async () => {
    const { intake, context } = setup();
    const failing = {
      ...context,
      deadLetter: async () => {
        throw new Error('broker down');
      },
    };
    await expect(intake.take([record('garbage')], failing)).rejects.toThrow('broker down');
  });

  it('rejects, leaving the batch to the next owner, when stopping cuts a renewal short', async () => {
    const { leases, intake, context, stop } = setup();
    leases.registered.add('acme/orders/o-1');
    leases.failures = [new UnavailableError('busy')];
    let release: () => void = () => undefined;
    leases.hold = new Promise((resolve) => (release = resolve));
    const taking = intake.take([heartbeat('o-1', ACME)], context);
    stop.abort(new Error('stopping'));
    release();
    await expect(taking).rejects.toThrow('stopping');
  });
});

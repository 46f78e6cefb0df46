/**
 * A heartbeat a tenant's service writes straight onto `mcp.registry.heartbeats` (the SDK does
 * when it is given Kafka brokers): which instance is alive, and the tenant's API key as the
 * credential. The gateway consumes the topic and takes the tenant from the key alone, so a
 * record can only ever renew a lease of the key's own tenant.
 */
import { z } from 'zod';
import type { EncodedRecord, IncomingRecord, RecordHeaderValue } from '../envelope';
import { invalidInputFromZod } from '../errors';
import { defineIngressRecord } from '../ingress';
import { IngressTopic } from '../topics';
import { InstanceId, ServiceNameParam } from './instances';

export const HeartbeatRecordHeader = {
  /** The tenant API key, `mcp_<id>_<secret>`, as it is sent over HTTP after `Bearer`. */
  Credential: 'mcp_api_key',
} as const;

// Strict: a record that names a tenant is refused rather than trusted or silently ignored.
const Heartbeat = z.strictObject({ service: ServiceNameParam, instanceId: InstanceId }).meta({
  title: 'HeartbeatRecord',
  description: 'The instance that is alive. No tenant: it is the tenant of the credential.',
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const HeartbeatRecord = defineIngressRecord({
  name: 'mcp.registry.heartbeat.v1',
  topic: IngressTopic.RegistryHeartbeats,
  description:
    "A tenant's instance is alive: the gateway renews its lease (as PUT …/heartbeat would). " +
    'Nothing answers; a record that cannot be vetted goes to the dead-letter topic.',
  schema: Heartbeat,
  keyOf: (h: Heartbeat) => `${h.service}/${h.instanceId}`,
  keyDescription: 'service/instanceId',
  headers: {
    [HeartbeatRecordHeader.Credential]:
      'A tenant API key holding registry:write; the tenant is taken from it and nowhere else.',
  },
});

/** The record the SDK writes for one heartbeat. */
export function encodeHeartbeatRecord(heartbeat: Heartbeat, apiKey: string): EncodedRecord {
  return {
    key: HeartbeatRecord.keyOf(heartbeat),
    value: JSON.stringify({ service: heartbeat.service, instanceId: heartbeat.instanceId }),
    headers: { [HeartbeatRecordHeader.Credential]: apiKey },
  };
}

/** Why a record is not a heartbeat: `no_value`/`not_json` cannot be read, the rest break the contract. */
export type HeartbeatRecordProblem = 'no_value' | 'not_json' | 'schema' | 'no_credential';

export type DecodedHeartbeat =
  | { ok: true; heartbeat: Heartbeat; credential: string }
  | { ok: false; problem: HeartbeatRecordProblem; reason: string };

/** Reads a record off the heartbeat topic; the credential is only extracted here, not checked. */
export function decodeHeartbeatRecord(record: IncomingRecord): DecodedHeartbeat {
  if (record.value === null || record.value === undefined) {
    return { ok: false, problem: 'no_value', reason: 'the record has no value' };
  }
  const text = typeof record.value === 'string' ? record.value : record.value.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problem: 'not_json',
      reason: `the record value is not valid JSON (${why})`,
    };
  }
  const parsed = Heartbeat.safeParse(json);
  if (!parsed.success) {
    const { issues } = invalidInputFromZod(parsed.error);
    const listed = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return {
      ok: false,
      problem: 'schema',
      reason: `the heartbeat breaks its schema: ${listed}`,
    };
  }
  const credential = credentialOf(record.headers?.[HeartbeatRecordHeader.Credential]);
  if (!credential.ok) return { ok: false, problem: 'no_credential', reason: credential.reason };
  return { ok: true, heartbeat: parsed.data, credential: credential.value };
}

function credentialOf(
  raw: RecordHeaderValue,
): { ok: true; value: string } | { ok: false; reason: string } {
  const name = HeartbeatRecordHeader.Credential;
  const values = [
    ...new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(text)),
  ];
  if (values.length === 0) return { ok: false, reason: `header ${name} is missing` };
  // Two different keys on one record: which tenant it is for is ambiguous, so neither is used.
  if (values.length > 1) return { ok: false, reason: `header ${name} has conflicting values` };
  if (values[0].trim() === '') return { ok: false, reason: `header ${name} is empty` };
  return { ok: true, value: values[0] };
}

function text(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * The event envelope: CloudEvents 1.0 over the Kafka protocol binding in binary mode — context
 * attributes travel as `ce_*` headers, the record value is the JSON data, the key is the
 * partition key.
 */
import { z } from 'zod';

export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  /** Extension attribute: the tenant the event belongs to (absent for platform-wide events). */
  tenant?: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface EncodedRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export type RecordHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface IncomingRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, RecordHeaderValue>;
}

/** A record on an events topic that is not a valid CloudEvent of ours; it belongs in a DLQ. */
export class MalformedEventError extends Error {
  constructor(readonly reason: string) {
    super(`Malformed event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

export const CloudEventHeader = {
  SpecVersion: 'ce_specversion',
  Id: 'ce_id',
  Source: 'ce_source',
  Type: 'ce_type',
  Time: 'ce_time',
  Subject: 'ce_subject',
  Tenant: 'ce_tenant',
  ContentType: 'content-type',
} as const;

export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export function encodeCloudEvent(event: CloudEvent, partitionKey: string): EncodedRecord {
  const headers: Record<string, string> = {
    [CloudEventHeader.SpecVersion]: event.specversion,
    [CloudEventHeader.Id]: event.id,
    [CloudEventHeader.Source]: event.source,
    [CloudEventHeader.Type]: event.type,
    [CloudEventHeader.Time]: event.time,
  };
  if (event.subject !== undefined) headers[CloudEventHeader.Subject] = event.subject;
  if (event.tenant !== undefined) headers[CloudEventHeader.Tenant] = event.tenant;
  headers[CloudEventHeader.ContentType] = JSON_CONTENT_TYPE;
  return { key: partitionKey, value: JSON.stringify(event.data), headers };
}

const isoTime = z.iso.datetime({ offset: true });

export function decodeCloudEvent(record: IncomingRecord): CloudEvent<unknown> {
  const headers = record.headers ?? {};

  const specversion = requiredHeader(headers, CloudEventHeader.SpecVersion);
  if (specversion !== CLOUD_EVENTS_SPEC_VERSION) {
    throw new MalformedEventError(
      `header ${CloudEventHeader.SpecVersion} is "${specversion}"; only "${CLOUD_EVENTS_SPEC_VERSION}" is supported`,
    );
  }
  const id = requiredHeader(headers, CloudEventHeader.Id);
  const source = requiredHeader(headers, CloudEventHeader.Source);
  const type = requiredHeader(headers, CloudEventHeader.Type);
  const time = requiredHeader(headers, CloudEventHeader.Time);
  if (!isoTime.safeParse(time).success) {
    throw new MalformedEventError(
      `header ${CloudEventHeader.Time} is "${time}", not an RFC 3339 timestamp`,
    );
  }
  const subject = optionalHeader(headers, CloudEventHeader.Subject);
  const tenant = optionalHeader(headers, CloudEventHeader.Tenant);

  const contentType = optionalHeader(headers, CloudEventHeader.ContentType);
  if (contentType === undefined) {
    throw new MalformedEventError(
      `header ${CloudEventHeader.ContentType} is missing; expected ${JSON_CONTENT_TYPE}`,
    );
  }
  // Media type parameters (`; charset=utf-8`) do not change how the value is read.
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType !== JSON_CONTENT_TYPE) {
    throw new MalformedEventError(
      `header ${CloudEventHeader.ContentType} is "${contentType}"; expected ${JSON_CONTENT_TYPE}`,
    );
  }

  if (record.value === null || record.value === undefined) {
    throw new MalformedEventError('the record has no value (a tombstone is not an event)');
  }
  const text = typeof record.value === 'string' ? record.value : record.value.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new MalformedEventError(`the record value is not valid JSON (${why})`);
  }

  const event: CloudEvent<unknown> = {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id,
    source,
    type,
    time,
    datacontenttype: JSON_CONTENT_TYPE,
    data,
  };
  if (subject !== undefined) event.subject = subject;
  if (tenant !== undefined) event.tenant = tenant;
  return event;
}

function requiredHeader(headers: Record<string, RecordHeaderValue>, name: string): string {
  const value = optionalHeader(headers, name);
  if (value === undefined) throw new MalformedEventError(`header ${name} is missing`);
  if (value.trim() === '') throw new MalformedEventError(`header ${name} is empty`);
  return value;
}

function optionalHeader(
  headers: Record<string, RecordHeaderValue>,
  name: string,
): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) return asText(raw);
  const values = [...new Set(raw.map(asText))];
  if (values.length === 0) return undefined;
  // A repeated header with one value (a re-published record) is harmless; two values are not.
  if (values.length > 1) {
    throw new MalformedEventError(`header ${name} has conflicting values: ${values.join(', ')}`);
  }
  return values[0];
}

function asText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

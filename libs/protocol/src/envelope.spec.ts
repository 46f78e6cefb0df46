import {
  decodeCloudEvent,
  encodeCloudEvent,
  MalformedEventError,
  type CloudEvent,
} from './envelope';

const event: CloudEvent<{ id: string; name: string }> = {
  specversion: '1.0',
  id: '0f8b6c1e-2a3d-4a55-9a6b-1c2d3e4f5a6b',
  source: '/mcp/gateway',
  type: 'mcp.gateway.tenant.created.v1',
  time: '2025-01-02T03:04:05.678Z',
  subject: 'tenants/acme',
  tenant: 'acme',
  datacontenttype: 'application/json',
  data: { id: 'acme', name: 'Acme Corp' },
};

function asKafkaRecord(record: ReturnType<typeof encodeCloudEvent>) {
  // kafkajs hands consumers Buffers, not strings.
  return {
    key: Buffer.from(record.key),
    value: Buffer.from(record.value),
    headers: Object.fromEntries(
      Object.entries(record.headers).map(([name, value]) => [name, Buffer.from(value)]),
    ),
  };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof MalformedEventError) return error.reason;
    throw error;
  }
  throw new Error('expected a MalformedEventError');
}

describe('CloudEvents binary-mode envelope', () => {
  it('encodes context attributes as ce_* headers, the data as JSON value and the partition key as key', () => {
    const record = encodeCloudEvent(event, 'acme');
    expect(record.key).toBe('acme');
    expect(JSON.parse(record.value)).toEqual(event.data);
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/mcp/gateway',
      ce_type: 'mcp.gateway.tenant.created.v1',
      ce_time: event.time,
      ce_subject: 'tenants/acme',
      ce_tenant: 'acme',
      'content-type': 'application/json',
    });
  });

  it('decodes what it encoded back into the same event, from Buffers as Kafka delivers them', () => {
    expect(decodeCloudEvent(asKafkaRecord(encodeCloudEvent(event, 'acme')))).toEqual(event);
  });

  it('leaves optional attributes out when the event has none', () => {
    const { subject: _subject, tenant: _tenant, ...platformEvent } = event;
    const record = encodeCloudEvent(platformEvent, 'k');
    expect(record.headers).not.toHaveProperty('ce_subject');
    expect(record.headers).not.toHaveProperty('ce_tenant');
    const decoded = decodeCloudEvent(record);
    expect(decoded).toEqual(platformEvent);
    expect('tenant' in decoded).toBe(false);
  });

  it('accepts a content-type with parameters and a header repeated with the same value', () => {
    const record = encodeCloudEvent(event, 'acme');
    const decoded = decodeCloudEvent({
      ...record,
      headers: {
        ...record.headers,
        'content-type': 'application/json; charset=utf-8',
        ce_id: [event.id, Buffer.from(event.id)],
      },
    });
    expect(decoded.id).toBe(event.id);
  });

  describe('rejects a malformed record with the reason', () => {
    const good = encodeCloudEvent(event, 'acme');
    const withHeaders = (headers: Record<string, string | undefined>) => ({
      ...good,
      headers: { ...good.headers, ...headers },
    });

    it.each(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'])(
      'names the missing %s header',
      (header) => {
        expect(reasonOf(() => decodeCloudEvent(withHeaders({ [header]: undefined })))).toBe(
          `header ${header} is missing`,
        );
      },
    );

    it('names an empty required header', () => {
      expect(reasonOf(() => decodeCloudEvent(withHeaders({ ce_type: ' ' })))).toBe(
        'header ce_type is empty',
      );
    });

    it('refuses a spec version other than 1.0', () => {
      expect(reasonOf(() => decodeCloudEvent(withHeaders({ ce_specversion: '0.3' })))).toMatch(
        /ce_specversion is "0.3"/,
      );
    });

    it('refuses a time that is not an RFC 3339 timestamp', () => {
      expect(reasonOf(() => decodeCloudEvent(withHeaders({ ce_time: 'yesterday' })))).toMatch(
        /ce_time is "yesterday", not an RFC 3339 timestamp/,
      );
    });

    it('refuses a missing or non-JSON content-type', () => {
      expect(reasonOf(() => decodeCloudEvent(withHeaders({ 'content-type': undefined })))).toMatch(
        /content-type is missing/,
      );
      expect(
        reasonOf(() => decodeCloudEvent(withHeaders({ 'content-type': 'application/avro' }))),
      ).toMatch(/content-type is "application\/avro"; expected application\/json/);
    });

    it('refuses a value that is not JSON', () => {
      expect(reasonOf(() => decodeCloudEvent({ ...good, value: '{"id": "acme"' }))).toMatch(
        /^the record value is not valid JSON/,
      );
    });

    it('refuses a tombstone (no value)', () => {
      expect(reasonOf(() => decodeCloudEvent({ ...good, value: null }))).toMatch(/no value/);
    });

    it('refuses a record without headers at all', () => {
      expect(reasonOf(() => decodeCloudEvent({ value: good.value }))).toBe(
        'header ce_specversion is missing',
      );
    });

    it('refuses a header repeated with conflicting values', () => {
      const record = { ...good, headers: { ...good.headers, ce_type: ['a.b', 'c.d'] } };
      expect(reasonOf(() => decodeCloudEvent(record))).toMatch(/ce_type has conflicting values/);
    });

    it('puts the reason in the message too, for logs', () => {
      expect(() => decodeCloudEvent({ ...good, value: null })).toThrow(/^Malformed event: /);
    });
  });
});

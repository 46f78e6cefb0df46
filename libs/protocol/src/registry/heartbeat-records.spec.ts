import {
  HeartbeatRecord,
  HeartbeatRecordHeader,
  decodeHeartbeatRecord,
  encodeHeartbeatRecord,
} from './heartbeat-records';

const KEY = `mcp_0123456789abcdef_${'a'.repeat(43)}`;

function record(value: string | null, headers: Record<string, string | Buffer | string[]> = {}) {
  return { key: 'orders/o-1', value: value === null ? null : Buffer.from(value), headers };
}

describe('heartbeat records', () => {
  it('are written keyed by service/instance, with the key in a header and no tenant anywhere', () => {
    const encoded = encodeHeartbeatRecord({ service: 'orders', instanceId: 'o-1' }, KEY);
    expect(encoded).toEqual({
      key: 'orders/o-1',
      value: '{"service":"orders","instanceId":"o-1"}',
      headers: { mcp_api_key: KEY },
    });
    expect(HeartbeatRecord.topic).toBe('mcp.registry.heartbeats');
  });

  it('read back what was written, from Buffers as kafkajs hands them over', () => {
    const {
      key: _key,
      value,
      headers,
    } = encodeHeartbeatRecord({ service: 'orders', instanceId: 'o-1' }, KEY);
    expect(
      decodeHeartbeatRecord(record(value, { mcp_api_key: Buffer.from(headers.mcp_api_key) })),
    ).toEqual({ ok: true, heartbeat: { service: 'orders', instanceId: 'o-1' }, credential: KEY });
  });

  it.each([
    ['a tombstone', record(null, { mcp_api_key: KEY }), 'no_value', /no value/],
    ['garbage', record('not json', { mcp_api_key: KEY }), 'not_json', /not valid JSON/],
    [
      'a bad service name',
      record('{"service":"Orders!","instanceId":"o-1"}', { mcp_api_key: KEY }),
      'schema',
      /service: must be a lowercase service name/,
    ],
    [
      'a tenant of its own choosing',
      record('{"tenant":"other","service":"orders","instanceId":"o-1"}', { mcp_api_key: KEY }),
      'schema',
      /tenant: is not a known field/,
    ],
    [
      'no credential',
      record('{"service":"orders","instanceId":"o-1"}'),
      'no_credential',
      /missing/,
    ],
    [
      'an empty credential',
      record('{"service":"orders","instanceId":"o-1"}', { mcp_api_key: ' ' }),
      'no_credential',
      /empty/,
    ],
    [
      'two different credentials',
      record('{"service":"orders","instanceId":"o-1"}', { mcp_api_key: [KEY, `${KEY}x`] }),
      'no_credential',
      /conflicting/,
    ],
  ])('refuse %s, saying why', (_what, incoming, problem, reason) => {
    const decoded = decodeHeartbeatRecord(incoming);
    expect(decoded).toMatchObject({ ok: false, problem });
    expect(decoded.ok ? '' : decoded.reason).toMatch(reason);
  });

  it('never put the credential into a reason', () => {
    const decoded = decodeHeartbeatRecord(
      record('{"service":"orders","instanceId":"o-1","x":1}', { mcp_api_key: KEY }),
    );
    expect(decoded.ok ? '' : decoded.reason).not.toContain(KEY);
    expect(HeartbeatRecordHeader.Credential).toBe('mcp_api_key');
  });
});

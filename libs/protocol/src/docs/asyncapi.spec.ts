import { eventCatalog, ingressCatalog, rpcCatalog } from '../catalog';
import { deadLetterTopicOf, replyTopicOf, topicCatalog } from '../topics';
import { buildAsyncApiDocument } from './asyncapi';

type Json = Record<string, unknown>;

/** The document as a client receives it: through JSON, which also proves it survives that. */
function overTheWire(document: Record<string, unknown>) {
  return JSON.parse(JSON.stringify(document));
}

function resolve(doc: Json, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, part) => (at as Json | undefined)?.[part], doc);
}

describe('AsyncAPI document', () => {
  const doc = overTheWire(buildAsyncApiDocument());

  it('is AsyncAPI 3.0 with a channel per topic carrying its Kafka sizing', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    for (const topic of topicCatalog) {
      const channel = doc.channels[topic.name];
      expect(channel.address).toBe(topic.name);
      expect(channel.bindings.kafka.partitions).toBe(topic.partitions);
    }
  });

  it.each(eventCatalog.map((def) => [def.type, def] as const))(
    'documents event %s on its topic with its payload, ce_* headers and key',
    (type, def) => {
      const message = doc.components.messages[type];
      expect(message.payload.type).toBe('object');
      expect(message.headers.properties.ce_type).toEqual({ type: 'string', const: type });
      expect(message.headers.properties.ce_source).toEqual({ type: 'string', const: def.source });
      expect(message.headers.required).toEqual(
        expect.arrayContaining([
          'ce_specversion',
          'ce_id',
          'ce_source',
          'ce_type',
          'ce_time',
          'content-type',
        ]),
      );
      expect(message.bindings.kafka.key.type).toBe('string');
      expect(doc.channels[def.topic].messages[type]).toEqual({
        $ref: `#/components/messages/${type}`,
      });
      expect(doc.operations[`publish.${type}`].action).toBe('send');
    },
  );

  it.each(rpcCatalog.map((def) => [def.pattern, def] as const))(
    'documents request/reply %s with both messages and the reply channel',
    (pattern) => {
      const operation = doc.operations[`request.${pattern}`];
      expect(operation.channel).toEqual({ $ref: `#/channels/${pattern}` });
      expect(operation.reply.channel).toEqual({ $ref: `#/channels/${replyTopicOf(pattern)}` });
      expect(doc.components.messages[`${pattern}.request`].payload).toMatchObject({
        type: 'object',
        additionalProperties: false,
      });
      // The reply may be the answer or an error reply.
      expect(doc.components.messages[`${pattern}.reply`].payload.anyOf).toHaveLength(2);
    },
  );

  it.each(ingressCatalog.map((def) => [def.name, def] as const))(
    'documents ingress record %s with its payload, credential header, key and dead letters',
    (name, def) => {
      const message = doc.components.messages[name];
      expect(message.payload).toMatchObject({
        type: 'object',
        required: ['service', 'instanceId'],
        additionalProperties: false,
      });
      expect(message.headers.required).toEqual(['mcp_api_key']);
      expect(message.bindings.kafka.key.description).toContain('service/instanceId');
      const ref = { $ref: `#/components/messages/${name}` };
      expect(doc.channels[def.topic].messages[name]).toEqual(ref);
      expect(doc.channels[deadLetterTopicOf(def.topic)].messages[name]).toEqual(ref);
      expect(doc.channels[def.topic].description).toMatch(/gateway/);
      expect(doc.channels[def.topic].bindings.kafka.topicConfiguration['retention.ms']).toBe(
        3_600_000,
      );
      expect(doc.operations[`publish.${name}`].action).toBe('send');
    },
  );

  it('has every $ref of channels and operations resolve', () => {
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else collect(value);
      }
    };
    collect(doc);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => resolve(doc, ref) === undefined)).toEqual([]);
  });
});

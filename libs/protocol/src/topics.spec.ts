import {
  IngressTopic,
  deadLetterTopicOf,
  replyTopicOf,
  RpcPattern,
  Topic,
  topicCatalog,
  topicsOwnedBy,
} from './topics';

describe('topics', () => {
  it('names reply topics the way NestJS ClientKafka expects and dead letters with .dlq', () => {
    expect(replyTopicOf('mcp.registry.rpc.status')).toBe('mcp.registry.rpc.status.reply');
    expect(deadLetterTopicOf('mcp.gateway.events')).toBe('mcp.gateway.events.dlq');
  });

  it('catalogs every events, dead-letter, request and reply topic once, sized by kind', () => {
    const byName = new Map(topicCatalog.map((t) => [t.name, t]));
    expect(byName.size).toBe(topicCatalog.length);
    for (const topic of Object.values(Topic)) {
      expect(byName.get(topic)?.partitions).toBe(6);
      expect(byName.get(deadLetterTopicOf(topic))?.partitions).toBe(1);
    }
    for (const pattern of Object.values(RpcPattern)) {
      expect(byName.get(pattern)?.partitions).toBe(3);
      expect(byName.get(replyTopicOf(pattern))?.partitions).toBe(3);
    }
    for (const topic of Object.values(IngressTopic)) {
      expect(byName.get(topic)?.partitions).toBe(6);
      expect(byName.get(deadLetterTopicOf(topic))?.partitions).toBe(1);
    }
    expect(topicCatalog).toHaveLength(
      2 * Object.values(Topic).length +
        2 * Object.values(IngressTopic).length +
        2 * Object.values(RpcPattern).length,
    );
  });

  it('has a backend provision its events topic, its dead letters and the requests it answers', () => {
    expect(
      topicsOwnedBy('registry')
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        'mcp.registry.events',
        'mcp.registry.events.dlq',
        'mcp.registry.instances',
        'mcp.registry.leases',
        'mcp.registry.rpc.status',
        'mcp.registry.rpc.register',
      ]),
    );
    expect(topicsOwnedBy('registry').every((t) => t.name.startsWith('mcp.registry.'))).toBe(true);
    expect(
      topicsOwnedBy('registry').find((t) => t.name === 'mcp.registry.instances')?.compacted,
    ).toBe(true);
    expect(topicsOwnedBy('scheduler').map((t) => t.name)).toContain('mcp.scheduler.rpc.status');
    expect(topicsOwnedBy('config').map((t) => t.name)).not.toContain('mcp.registry.rpc.status');
  });

  it('has the gateway provision its events, its dead letters and every reply topic it listens on', () => {
    const names = topicsOwnedBy('gateway').map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['mcp.gateway.events', 'mcp.gateway.events.dlq']));
    for (const pattern of Object.values(RpcPattern)) expect(names).toContain(replyTopicOf(pattern));
    expect(names.some((n) => Object.values(RpcPattern).includes(n as RpcPattern))).toBe(false);
  });

  it('has the gateway, which alone reads them, provision the ingress topics tenants write to', () => {
    const heartbeats = topicsOwnedBy('gateway').find((t) => t.name === 'mcp.registry.heartbeats');
    // Short-lived, and stamped by the broker rather than by tenants' clocks.
    expect(heartbeats).toEqual({
      name: 'mcp.registry.heartbeats',
      partitions: 6,
      retentionMs: 60 * 60 * 1000,
      logAppendTime: true,
    });
    expect(topicsOwnedBy('gateway').map((t) => t.name)).toContain('mcp.registry.heartbeats.dlq');
    expect(topicsOwnedBy('registry').map((t) => t.name)).not.toContain('mcp.registry.heartbeats');
  });

  it('lets every topic of the catalog be provisioned by exactly one service', () => {
    const services = ['gateway', 'registry', 'config', 'scheduler'] as const;
    const owned = services.flatMap((s) => topicsOwnedBy(s).map((t) => t.name));
    expect(owned.sort()).toEqual(topicCatalog.map((t) => t.name).sort());
  });

  it('hands out copies, so a caller cannot change the catalog', () => {
    topicsOwnedBy('gateway')[0].partitions = 99;
    expect(topicsOwnedBy('gateway')[0].partitions).toBe(6);
  });
});

import { newClusterId, renderLog4jProperties, renderServerProperties } from './kafka';

const parse = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('renderServerProperties', () => {
  const props = parse(
    renderServerProperties({ brokerPort: 19092, controllerPort: 19093, logDir: '/data/kafka' }),
  );

  it('makes one node both broker and controller of its own KRaft quorum', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('1');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
  });

  it('listens for clients on the broker port of 127.0.0.1 only and advertises that address', () => {
    expect(props['listeners']).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('never creates topics on demand, since the services provision their own', () => {
    expect(props['auto.create.topics.enable']).toBe('false');
  });

  it('keeps every internal topic at replication factor 1 so a single node can serve them', () => {
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['default.replication.factor']).toBe('1');
  });

  it('lets consumer groups start without the initial rebalance delay', () => {
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('escapes a log directory holding property separators', () => {
    const odd = parse(
      renderServerProperties({ brokerPort: 1, controllerPort: 2, logDir: 'C:\\data=x' }),
    );
    expect(odd['log.dirs']).toBe('C\\:\\\\data\\=x');
  });
});

describe('renderLog4jProperties', () => {
  it('sends all of Kafka logging to the given file', () => {
    const props = parse(renderLog4jProperties('/data/kafka/server.log'));
    expect(props['log4j.rootLogger']).toBe('INFO, file');
    expect(props['log4j.appender.file.File']).toBe('/data/kafka/server.log');
  });
});

describe('newClusterId', () => {
  it('is 22 url-safe base64 characters like a Kafka Uuid', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts with a dash, which the storage tool would read as an option', () => {
    const dashFirst = Buffer.from([0xf8, ...Array<number>(15).fill(1)]);
    const draws = [dashFirst, Buffer.alloc(16, 7)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16, 9));
    expect(dashFirst.toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 7).toString('base64url'));
  });
});

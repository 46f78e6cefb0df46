import { existsSync, readdirSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { commandLineOf } from './supervised-process';
import { createEphemeralDataDir, startInfra, type RunningInfra } from './infra';

/** Our own descendants still alive (Linux /proc): what stop() must leave at zero. */
function childProcessesOfUs(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => (commandLineOf(pid) ?? '').includes(dataDir));
}

describe('startInfra with nothing given', () => {
  const env = { ...process.env };
  delete env['KAFKA_BROKERS'];
  delete env['DATABASE_URL'];
  let infra: RunningInfra;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await createEphemeralDataDir();
    infra = await startInfra({ dataDir, ephemeral: true, env });
  });

  afterAll(async () => {
    await infra?.stop();
  });

  it('starts a Kafka broker that carries a message from a producer to a consumer', async () => {
    const kafka = new Kafka({
      clientId: 'infra-int',
      brokers: [infra.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'infra.check', numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'infra.check', messages: [{ key: 'k', value: 'hello' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'infra-int' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'infra.check', fromBeginning: true });
    const received = await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve(message.value?.toString() ?? ''),
      });
    });
    await consumer.disconnect();
    expect(received).toBe('hello');
  });

  it('starts Postgres with an "mcp" database that answers queries', async () => {
    const client = new Client({ connectionString: infra.databaseUrl });
    await client.connect();
    const result = await client.query<{ one: number; db: string }>(
      'select 1 as one, current_database() as db',
    );
    await client.end();
    expect(result.rows[0]).toEqual({ one: 1, db: 'mcp' });
  });

  it('reports that it started both itself', () => {
    expect(infra.started.sort()).toEqual(['kafka', 'postgres']);
  });

  it('stops every process it started and removes the throwaway data', async () => {
    expect(childProcessesOfUs(dataDir).length).toBeGreaterThan(0);
    await infra.stop();
    // Postgres backends exit a moment after their postmaster.
    const deadline = Date.now() + 5000;
    while (childProcessesOfUs(dataDir).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(childProcessesOfUs(dataDir)).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('startInfra with KAFKA_BROKERS and DATABASE_URL given', () => {
  it('starts nothing and refuses an unreachable broker naming the variable', async () => {
    const dataDir = await createEphemeralDataDir();
    await expect(
      startInfra({
        dataDir,
        ephemeral: true,
        env: {
          ...process.env,
          KAFKA_BROKERS: '127.0.0.1:1',
          DATABASE_URL: 'postgres://postgres@127.0.0.1:1/mcp',
        },
      }),
    ).rejects.toThrow(/KAFKA_BROKERS/);
    expect(existsSync(dataDir)).toBe(false);
  });
});

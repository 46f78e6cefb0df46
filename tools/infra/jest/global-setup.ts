/**
 * Jest globalSetup for integration and end-to-end suites: starts a throwaway Kafka + Postgres
 * unless KAFKA_BROKERS and DATABASE_URL are both given, and hands them to the tests through the
 * environment (Jest's workers inherit it).
 */
import { createEphemeralDataDir, startInfra, type RunningInfra } from '../src/index';

interface InfraHolder {
  __mcpTestInfra__?: RunningInfra;
}

const holder = globalThis as InfraHolder;

export default async function globalSetup(): Promise<void> {
  if (process.env['KAFKA_BROKERS'] && process.env['DATABASE_URL']) return;
  const log = (line: string): void => {
    process.stderr.write(`[infra] ${line}\n`);
  };
  const infra = await startInfra({ dataDir: await createEphemeralDataDir(), ephemeral: true, log });
  holder.__mcpTestInfra__ = infra;
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers;
  process.env['DATABASE_URL'] = infra.databaseUrl;
  // Interrupted runs must not leave a broker or a cluster behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void infra.stop().finally(() => process.exit(130));
    });
  }
}

/**
 * `npm run infra`: only Kafka and Postgres (and Zipkin with --zipkin), kept in .data/ like
 * `npm start`, for running a service from an editor or `nx serve`. Ctrl-C stops them.
 */
import { join } from 'node:path';
import { InfraError, redactUrl, startInfra, workspaceRoot } from './src/index';

async function main(): Promise<void> {
  const infra = await startInfra({
    dataDir: join(workspaceRoot(), '.data'),
    ephemeral: false,
    zipkin: process.argv.includes('--zipkin'),
    log: (line) => console.log(`  ${line}`),
  });
  const stop = (): void => {
    console.log(`stopping ${infra.started.join(', ') || 'nothing'}…`);
    void infra.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log('\nReady. For a service started by hand:');
  console.log(`  export KAFKA_BROKERS=${infra.kafkaBrokers}`);
  console.log(`  export DATABASE_URL=${redactUrl(infra.databaseUrl)}`);
  if (infra.zipkinUrl)
    console.log(`  export OTEL_EXPORTER_ZIPKIN_ENDPOINT=${infra.zipkinUrl}/api/v2/spans`);
  console.log('Ctrl-C stops them.');
}

main().catch((error: unknown) => {
  console.error(error instanceof InfraError ? error.message : error);
  process.exit(1);
});

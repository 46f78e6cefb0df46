// Applies a service's pending migrations, safely when several replicas start at once.
import { DataSource, MigrationExecutor } from 'typeorm';
import { assertSchemaName } from './service-data-source';

/** The schema a data source was configured with by serviceDataSourceOptions. */
function schemaOf(dataSource: DataSource): string {
  const schema = 'schema' in dataSource.options ? dataSource.options.schema : undefined;
  if (!schema) throw new Error('runMigrations needs a data source with a schema');
  assertSchemaName(schema);
  return schema;
}

/**
 * Creates the service schema if needed, then applies pending migrations (each in its own
 * transaction) while holding a session advisory lock keyed by the schema: a second replica
 * waits, then finds nothing left to apply. Returns the names of the migrations it applied.
 */
export async function runMigrations(
  dataSource: DataSource,
  log: (msg: string) => void = () => undefined,
): Promise<string[]> {
  const schema = schemaOf(dataSource);
  // One connection holds the lock and runs the migrations, so a pool of one is enough.
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`mcp.migrations.${schema}`]);
    try {
      await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      for (const migration of applied) log(`applied migration ${migration.name} to ${schema}`);
      if (applied.length === 0) log(`schema ${schema} is up to date`);
      return applied.map((migration) => migration.name);
    } finally {
      await queryRunner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [
        `mcp.migrations.${schema}`,
      ]);
    }
  } finally {
    await queryRunner.release();
  }
}

/** A cheap readiness probe: one round trip, with its latency. */
export async function pingDatabase(
  dataSource: DataSource,
): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await dataSource.query('SELECT 1');
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error: unknown) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

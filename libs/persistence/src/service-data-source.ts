// TypeORM data-source options for a service that owns exactly one Postgres schema.
import type { DataSourceOptions } from 'typeorm';

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own schema; every unqualified table name resolves to it. */
  schema: string;
  /** Shown in pg_stat_activity, so a connection can be traced back to its service. */
  applicationName: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `schema` is a plain lower-case identifier (it is interpolated into SQL). */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use lower-case letters, digits and _`);
  }
}

export function serviceDataSourceOptions(opts: ServiceDatabaseOptions): DataSourceOptions {
  assertSchemaName(opts.schema);
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    applicationName: opts.applicationName,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    // The schema only ever changes through reviewed migrations, run explicitly at start-up.
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: opts.poolSize ?? 10,
    // Every connection resolves unqualified names in the service schema, so migrations and raw
    // SQL never spell the schema out.
    extra: { options: `-c search_path=${opts.schema}` },
  };
}

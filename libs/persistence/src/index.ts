export { serviceDataSourceOptions, assertSchemaName } from './service-data-source';
export type { ServiceDatabaseOptions } from './service-data-source';
export { runMigrations, pingDatabase } from './migrations';

import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** The quoted, schema-qualified table of an entity, for the raw SQL TypeORM cannot express. */
export function tableOf(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): string {
  const metadata = manager.connection.getMetadata(entity);
  const escape = (name: string) => manager.connection.driver.escape(name);
  return metadata.schema
    ? `${escape(metadata.schema)}.${escape(metadata.tableName)}`
    : escape(metadata.tableName);
}

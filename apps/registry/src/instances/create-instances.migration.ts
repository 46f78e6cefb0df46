import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInstances1763790000000 implements MigrationInterface {
  name = 'CreateInstances1763790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE instances (
        tenant_id text NOT NULL,
        service text NOT NULL,
        instance_id text NOT NULL,
        host text NOT NULL,
        port integer NOT NULL,
        weight integer NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        ttl_seconds integer NOT NULL,
        health_check jsonb NULL,
        status text NOT NULL DEFAULT 'up',
        revision integer NOT NULL DEFAULT 1,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, service, instance_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE instances');
  }
}

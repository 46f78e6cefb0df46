import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenants1763780000000 implements MigrationInterface {
  name = 'CreateTenants1763780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tenants');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1763790000000 implements MigrationInterface {
  name = 'CreateApiKeys1763790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        tenant text NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        scopes text[] NOT NULL,
        secret_sha256 bytea NOT NULL CHECK (octet_length(secret_sha256) = 32),
        created_at timestamptz NOT NULL,
        revoked_at timestamptz NULL
      )`);
    // Listing pages through a tenant's active keys, oldest first.
    await queryRunner.query(
      `CREATE INDEX api_keys_active_by_tenant_idx ON api_keys (tenant, created_at, id)
       WHERE revoked_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}

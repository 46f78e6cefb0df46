import { randomBytes } from 'node:crypto';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { pingDatabase, runMigrations } from './migrations';
import { serviceDataSourceOptions } from './service-data-source';

// Unqualified on purpose: the search_path must put the tables in the service's schema. Plain
// CREATE TABLE (no IF NOT EXISTS) fails if a second replica ever applied it again.
class CreateWidgets1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)`);
    // Widen the window in which a racing replica would apply the same migration.
    await queryRunner.query(`SELECT pg_sleep(0.2)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE widgets`);
  }
}

class SeedWidgets1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`INSERT INTO widgets (id, name) VALUES (1, 'first')`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM widgets WHERE id = 1`);
  }
}

class CreateGadgets1700000000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE gadgets (id int PRIMARY KEY)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gadgets`);
  }
}

function databaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set (the int-test globalSetup provides it)');
  return url;
}

describe('runMigrations', () => {
  const suffix = randomBytes(4).toString('hex');
  const widgetsSchema = `mig_widgets_${suffix}`;
  const gadgetsSchema = `mig_gadgets_${suffix}`;
  const dataSources: DataSource[] = [];

  async function replica(schema: string, migrations: MigrationInterface['constructor'][]) {
    const dataSource = new DataSource(
      serviceDataSourceOptions({
        url: databaseUrl(),
        schema,
        applicationName: `persistence-int-${schema}`,
        entities: [],
        migrations: migrations as unknown as (new () => MigrationInterface)[],
        poolSize: 2,
      }),
    );
    dataSources.push(dataSource);
    return dataSource.initialize();
  }

  afterAll(async () => {
    const admin = dataSources.find((dataSource) => dataSource.isInitialized);
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS "${widgetsSchema}" CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS "${gadgetsSchema}" CASCADE`);
    }
    await Promise.all(
      dataSources.filter((dataSource) => dataSource.isInitialized).map((ds) => ds.destroy()),
    );
  });

  it('migrates two schemas independently while two replicas of each start at the same time', async () => {
    const widgetMigrations = [CreateWidgets1700000000001, SeedWidgets1700000000002];
    const gadgetMigrations = [CreateGadgets1700000000003];
    const replicas = await Promise.all([
      replica(widgetsSchema, widgetMigrations),
      replica(widgetsSchema, widgetMigrations),
      replica(gadgetsSchema, gadgetMigrations),
      replica(gadgetsSchema, gadgetMigrations),
    ]);

    const applied = await Promise.all(replicas.map((dataSource) => runMigrations(dataSource)));

    const [widgetsA = [], widgetsB = [], gadgetsA = [], gadgetsB = []] = applied;
    expect([...widgetsA, ...widgetsB]).toEqual([
      'CreateWidgets1700000000001',
      'SeedWidgets1700000000002',
    ]);
    expect([...gadgetsA, ...gadgetsB]).toEqual(['CreateGadgets1700000000003']);

    const probe = replicas[0] as DataSource;
    const tables: { table_schema: string; table_name: string }[] = await probe.query(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_schema = ANY($1) ORDER BY table_schema, table_name`,
      [[widgetsSchema, gadgetsSchema]],
    );
    expect(tables).toEqual([
      { table_schema: gadgetsSchema, table_name: 'gadgets' },
      { table_schema: gadgetsSchema, table_name: 'migrations' },
      { table_schema: widgetsSchema, table_name: 'migrations' },
      { table_schema: widgetsSchema, table_name: 'widgets' },
    ]);
    const recorded: { name: string }[] = await probe.query(
      `SELECT name FROM "${widgetsSchema}".migrations ORDER BY id`,
    );
    expect(recorded.map((row) => row.name)).toEqual([
      'CreateWidgets1700000000001',
      'SeedWidgets1700000000002',
    ]);
    expect(await probe.query(`SELECT name FROM widgets`)).toEqual([{ name: 'first' }]);
  });

  it('applies nothing the second time a service starts', async () => {
    const again = await replica(widgetsSchema, [
      CreateWidgets1700000000001,
      SeedWidgets1700000000002,
    ]);
    const logged: string[] = [];
    expect(await runMigrations(again, (msg) => logged.push(msg))).toEqual([]);
    expect(logged).toEqual([`schema ${widgetsSchema} is up to date`]);
  });
});

describe('pingDatabase', () => {
  it('reports a reachable database as ok and a closed one with its error', async () => {
    const dataSource = await new DataSource(
      serviceDataSourceOptions({
        url: databaseUrl(),
        schema: 'public',
        applicationName: 'persistence-int-ping',
        entities: [],
        migrations: [],
        poolSize: 1,
      }),
    ).initialize();
    const up = await pingDatabase(dataSource);
    expect(up.ok).toBe(true);
    expect(up.latencyMs).toBeGreaterThanOrEqual(0);

    await dataSource.destroy();
    const down = await pingDatabase(dataSource);
    expect(down.ok).toBe(false);
    expect(down.error).toEqual(expect.any(String));
  });
});

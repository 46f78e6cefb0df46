import { serviceDataSourceOptions } from './service-data-source';

describe('serviceDataSourceOptions', () => {
  const base = {
    url: 'postgres://mcp@localhost:5432/mcp',
    schema: 'registry',
    applicationName: 'mcp-registry',
    entities: [],
    migrations: [],
  };

  it('never synchronizes or runs migrations on its own and resolves names in the service schema', () => {
    const options = serviceDataSourceOptions(base);
    expect(options).toMatchObject({
      type: 'postgres',
      schema: 'registry',
      applicationName: 'mcp-registry',
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: 'migrations',
      logging: false,
      extra: { options: '-c search_path=registry' },
    });
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => serviceDataSourceOptions({ ...base, schema: 'registry; DROP TABLE x' })).toThrow(
      /invalid schema name/,
    );
    expect(() => serviceDataSourceOptions({ ...base, schema: 'Registry' })).toThrow();
  });
});

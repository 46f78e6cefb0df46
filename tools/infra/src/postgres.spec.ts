import { databaseUrlFor, postgresArgs, socketDirFor } from './postgres';

describe('postgresArgs', () => {
  it('runs the cluster on the given port, reachable on 127.0.0.1 and through a socket in the given folder', () => {
    const args = postgresArgs('/d/pg/data', 5433, '/d/pg/data', false).join(' ');
    expect(args).toContain('-D /d/pg/data -p 5433 -k /d/pg/data -c listen_addresses=127.0.0.1');
  });

  it('turns durability off only for throwaway clusters', () => {
    expect(postgresArgs('/d', 1, '/d', true)).toContain('fsync=off');
    expect(postgresArgs('/d', 1, '/d', false)).not.toContain('fsync=off');
  });
});

describe('socketDirFor', () => {
  it('keeps the socket in the data folder when the path fits a unix socket name', () => {
    expect(socketDirFor('/repo/.data/postgres/data', 5433)).toBe('/repo/.data/postgres/data');
  });

  it('falls back to /tmp for a folder too deep for a unix socket name', () => {
    expect(socketDirFor(`/${'deep/'.repeat(20)}data`, 5433)).toBe('/tmp');
  });
});

describe('databaseUrlFor', () => {
  it('points at the mcp database as the postgres superuser', () => {
    expect(databaseUrlFor(5433)).toBe('postgres://postgres@127.0.0.1:5433/mcp');
  });
});

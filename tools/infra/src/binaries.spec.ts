import { findJava, findPostgresBin, parseJavaMajor, type SystemProbe } from './binaries';
import { InfraError } from './infra-error';

/** A machine described by its files, folder listings and command outputs. */
function machine(files: string[], commands: Record<string, string> = {}): SystemProbe {
  return {
    exists: (path) => files.some((f) => f === path || f.startsWith(`${path}/`)),
    listDir: (dir) => [
      ...new Set(
        files
          .filter((f) => f.startsWith(`${dir}/`))
          .map((f) => f.slice(dir.length + 1).split('/')[0]),
      ),
    ],
    run: (command, args) => commands[[command, ...args].join(' ')],
  };
}

const server = (dir: string): string[] => [`${dir}/initdb`, `${dir}/postgres`];

describe('findPostgresBin', () => {
  const everywhere = [
    ...server('/opt/pg/bin'),
    ...server('/usr/local/pgsql/bin'),
    ...server('/usr/lib/postgresql/13/bin'),
    ...server('/usr/lib/postgresql/16/bin'),
    ...server('/home/me/bin'),
  ];
  const pgConfig = { 'pg_config --bindir': '/usr/local/pgsql/bin\n' };

  it('prefers the folder named by PG_BIN', () => {
    const found = findPostgresBin(
      { PG_BIN: '/opt/pg/bin', PATH: '/home/me/bin' },
      machine(everywhere, pgConfig),
    );
    expect(found).toBe('/opt/pg/bin');
  });

  it('then asks pg_config for its bindir', () => {
    expect(findPostgresBin({ PATH: '/home/me/bin' }, machine(everywhere, pgConfig))).toBe(
      '/usr/local/pgsql/bin',
    );
  });

  it('then takes the newest major version installed under /usr/lib/postgresql', () => {
    expect(findPostgresBin({ PATH: '/home/me/bin' }, machine(everywhere))).toBe(
      '/usr/lib/postgresql/16/bin',
    );
  });

  it('then looks for initdb on the PATH', () => {
    expect(
      findPostgresBin({ PATH: '/usr/bin:/home/me/bin' }, machine(server('/home/me/bin'))),
    ).toBe('/home/me/bin');
  });

  it('skips a candidate that lacks the server binaries, such as a client-only pg_config', () => {
    const clientOnly = machine([...server('/usr/lib/postgresql/15/bin'), '/usr/bin/psql'], {
      'pg_config --bindir': '/usr/bin\n',
    });
    expect(findPostgresBin({ PG_BIN: '/nowhere' }, clientOnly)).toBe('/usr/lib/postgresql/15/bin');
  });

  it('finds nothing on a machine without Postgres', () => {
    expect(findPostgresBin({ PATH: '/usr/bin' }, machine(['/usr/bin/node']))).toBeUndefined();
  });
});

describe('parseJavaMajor', () => {
  it('reads modern version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
  });

  it('reads the 1.x scheme of Java 8 and older', () => {
    expect(parseJavaMajor('java version "1.8.0_381"')).toBe(8);
  });

  it('gives up on output it does not recognise', () => {
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });
});

describe('findJava', () => {
  it('uses JAVA_HOME before the PATH', () => {
    const probe = machine(['/jdk/bin/java', '/usr/bin/java'], {
      '/jdk/bin/java -version': 'openjdk version "17.0.1"',
    });
    expect(findJava({ JAVA_HOME: '/jdk', PATH: '/usr/bin' }, probe)).toBe('/jdk/bin/java');
  });

  it('refuses a Java older than 17 with a sentence naming the alternative', () => {
    const probe = machine(['/usr/bin/java'], {
      '/usr/bin/java -version': 'java version "1.8.0_381"',
    });
    expect(() => findJava({ PATH: '/usr/bin' }, probe)).toThrow(
      /Java 17\+ is needed.*java 8 was found.*KAFKA_BROKERS/,
    );
  });

  it('says what to install when there is no java at all', () => {
    expect(() => findJava({ PATH: '/usr/bin' }, machine([]))).toThrow(InfraError);
    expect(() => findJava({ PATH: '/usr/bin' }, machine([]))).toThrow(
      /apt-get install openjdk-17-jre-headless/,
    );
  });
});

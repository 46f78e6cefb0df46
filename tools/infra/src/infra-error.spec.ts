import { infraErrors, InfraError, redactUrl } from './infra-error';

const all: InfraError[] = [
  infraErrors.javaMissing(),
  infraErrors.javaTooOld(11),
  infraErrors.mavenMissing('Kafka 3.9.1 jars'),
  infraErrors.mavenFailed('Kafka 3.9.1 jars', 'Could not resolve dependencies', '/c/maven.log'),
  infraErrors.postgresMissing(),
  infraErrors.postgresUserMissing(),
  infraErrors.brokersUnreachable('10.0.0.1:9092'),
  infraErrors.databaseUnreachable('postgres://u:secret@db:5432/mcp', 'connect ECONNREFUSED'),
  infraErrors.portTaken('Kafka', 9092, 'KAFKA_PORT', 'KAFKA_BROKERS to a running broker'),
  infraErrors.badPort('POSTGRES_PORT', 'abc'),
  infraErrors.alreadyRunning('Kafka', 4242, '/repo/.data/kafka'),
  infraErrors.didNotStart('Kafka', 'exited', '/d/server.log'),
];

describe('infra errors', () => {
  it.each(all.map((e) => [e.message, e]))('"%s" is one sentence', (_message, error) => {
    expect(error).toBeInstanceOf(InfraError);
    expect(error.message).toMatch(/^[A-Z"].*[.]$/s);
    expect(error.message).not.toContain('\n');
    // Sentence ends only at the end (file names and versions contain dots, so look for ". X").
    expect(error.message.slice(0, -1)).not.toMatch(/\.\s+[A-Z]/);
  });

  it('name the variable that avoids the missing program', () => {
    expect(infraErrors.javaMissing().message).toContain('KAFKA_BROKERS');
    expect(infraErrors.postgresMissing().message).toContain('DATABASE_URL');
    expect(infraErrors.postgresMissing().message).toContain('PG_BIN');
  });

  it('name the variable that points at the unreachable server', () => {
    expect(infraErrors.brokersUnreachable('h:1').message).toMatch(/^KAFKA_BROKERS is set to h:1/);
    expect(infraErrors.databaseUnreachable('postgres://h/x', 'timeout').message).toMatch(
      /^DATABASE_URL is set/,
    );
  });

  it('never repeat a password from DATABASE_URL', () => {
    const message = infraErrors.databaseUnreachable(
      'postgres://u:secret@db:5432/mcp',
      'refused',
    ).message;
    expect(message).not.toContain('secret');
    expect(message).toContain('postgres://u:***@db:5432/mcp');
  });
});

describe('redactUrl', () => {
  it('leaves a URL without a password unchanged', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5433/mcp')).toBe(
      'postgres://postgres@127.0.0.1:5433/mcp',
    );
  });
});

import { z } from 'zod';
import { ConfigError, commonServiceEnv, env, loadConfig } from './load-config';

const schema = z.object({ ...commonServiceEnv(), HTTP_PORT: env.port(8081) });

describe('loadConfig', () => {
  it('gives every variable a default that works on a developer machine', () => {
    const config = loadConfig(schema, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(config.HTTP_PORT).toBe(8081);
    expect(config.MIGRATIONS_RUN).toBe(true);
  });

  it('splits a comma-separated broker list', () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('names each bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(schema, {
        HTTP_PORT: '70000',
        KAFKA_BROKERS: 'no-port',
        DATABASE_URL: 'mysql://x',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const variables = (caught as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'HTTP_PORT', 'KAFKA_BROKERS.0']);
    expect((caught as ConfigError).message).toContain('HTTP_PORT');
  });

  it('says a required variable is missing', () => {
    const strict = z.object({ SECRET: z.string() });
    expect(() => loadConfig(strict, {})).toThrow('SECRET is required');
  });
});

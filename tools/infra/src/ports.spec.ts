import { portFromEnv } from './ports';

describe('portFromEnv', () => {
  it('uses the default when the variable is unset or blank', () => {
    expect(portFromEnv({}, 'KAFKA_PORT', 9092)).toBe(9092);
    expect(portFromEnv({ KAFKA_PORT: ' ' }, 'KAFKA_PORT', 9092)).toBe(9092);
  });

  it('uses the port the variable gives', () => {
    expect(portFromEnv({ KAFKA_PORT: '19092' }, 'KAFKA_PORT', 9092)).toBe(19092);
  });

  it('rejects a value that is not a port, naming the variable', () => {
    expect(() => portFromEnv({ POSTGRES_PORT: 'abc' }, 'POSTGRES_PORT', 5433)).toThrow(
      /^POSTGRES_PORT must be/,
    );
    expect(() => portFromEnv({ POSTGRES_PORT: '70000' }, 'POSTGRES_PORT', 5433)).toThrow(
      /POSTGRES_PORT/,
    );
  });
});

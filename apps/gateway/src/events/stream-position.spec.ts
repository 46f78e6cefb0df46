import { InvalidInputError } from '@mcp/protocol';
import { StreamPosition } from './stream-position';

const TOPIC = 'mcp.registry.events';

describe('StreamPosition', () => {
  it('round-trips through its encoded id, keeping every partition of every topic', () => {
    const position = new StreamPosition({ [TOPIC]: { '0': 12, '1': 0, '5': 7 } });
    const decoded = StreamPosition.decode(position.encode());
    expect(decoded.toMap()).toEqual({ [TOPIC]: { '0': 12, '1': 0, '5': 7 } });
    expect(position.encode()).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('moves a partition past a dealt-with record and never backwards', () => {
    const position = new StreamPosition({ [TOPIC]: { '0': 3 } });
    position.advancePast(TOPIC, 0, 3);
    expect(position.offsetOf(TOPIC, 0)).toBe(4);
    position.advancePast(TOPIC, 0, 1);
    expect(position.offsetOf(TOPIC, 0)).toBe(4);
    position.advancePast(TOPIC, 2, 9);
    expect(position.offsetOf(TOPIC, 2)).toBe(10);
    expect(position.offsetOf(TOPIC, 3)).toBeUndefined();
  });

  it('keeps an id it gave out unchanged by later progress', () => {
    const position = new StreamPosition({ [TOPIC]: { '0': 0 } });
    const id = position.encode();
    position.advancePast(TOPIC, 0, 0);
    expect(StreamPosition.decode(id).offsetOf(TOPIC, 0)).toBe(0);
  });

  it('restricts itself to the topics a stream reads', () => {
    const position = new StreamPosition({ [TOPIC]: { '0': 1 }, other: { '0': 2 } });
    expect(position.only([TOPIC]).toMap()).toEqual({ [TOPIC]: { '0': 1 } });
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['', 'empty'],
    ['not base64!', 'not base64url'],
    [Buffer.from('{"a":').toString('base64url'), 'broken JSON'],
    [encode([1, 2]), 'an array'],
    [encode({ [TOPIC]: { '0': -1 } }), 'a negative offset'],
    [encode({ [TOPIC]: { x: 1 } }), 'a partition that is not a number'],
    [encode({ [TOPIC]: { '0': 1.5 } }), 'a fractional offset'],
    ['A'.repeat(5000), 'too long'],
  ])('refuses %j (%s) as an invalid Last-Event-ID', (text) => {
    expect(() => StreamPosition.decode(text)).toThrow(InvalidInputError);
  });
});

import { invalidInputFromZod } from '@mcp/protocol';
import { z } from 'zod';
import { Labels, SelectorText } from './schemas';

describe('SelectorText', () => {
  it.each(['', 'env=prod,version!=v1', 'tier in (web, api), !canary', 'example.com/app'])(
    'accepts %j unchanged',
    (text) => {
      expect(SelectorText.parse(text)).toBe(text);
    },
  );

  it('rejects a selector that does not parse, saying what and where', () => {
    const result = SelectorText.safeParse('env in (a,b');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'invalid label selector: expected "," or ")" after "b" at position 11, found end of selector',
    ]);
  });

  it('reports an over-long selector once, as too long', () => {
    const result = SelectorText.safeParse('a'.repeat(1025));
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be at most 1024 characters',
    ]);
  });

  it('rejects what is not a string', () => {
    expect(SelectorText.safeParse(42).success).toBe(false);
  });

  it('reads well as a field error in a request schema', () => {
    const Query = z.object({ selector: SelectorText.optional() });
    const result = Query.safeParse({ selector: 'env=prod,' });
    expect(result.success).toBe(false);
    expect(result.error && invalidInputFromZod(result.error, 'query').message).toBe(
      'Invalid query: selector: invalid label selector: expected a label key after "," at position 9, found end of selector.',
    );
  });

  it('publishes a description and examples for the API documents', () => {
    const schema = z.toJSONSchema(SelectorText);
    expect(schema).toMatchObject({ type: 'string', maxLength: 1024 });
    expect(schema.description).toMatch(/^Label selector/);
  });
});

describe('Labels', () => {
  it('is a zod schema of a string-to-string map', () => {
    const schema: z.ZodType<Record<string, string>> = Labels;
    expect(schema.parse({ env: 'prod' })).toEqual({ env: 'prod' });
  });

  it.each([
    [{}],
    [{ env: 'prod', 'example.com/tier': 'web', version: 'v1.2', empty: '' }],
    [{ ['k'.repeat(63)]: 'v'.repeat(63) }],
    [Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']))],
  ])('accepts %j', (labels) => {
    expect(Labels.safeParse(labels).success).toBe(true);
  });

  it.each([
    ['a key starting with a dash', { '-env': 'prod' }],
    ['a key with a space', { 'my env': 'prod' }],
    ['a key name of 64 characters', { ['k'.repeat(64)]: 'v' }],
    ['an empty key', { '': 'v' }],
    ['a value ending with a dot', { env: 'prod.' }],
    ['a value of 64 characters', { env: 'v'.repeat(64) }],
    ['a value with a slash', { env: 'a/b' }],
    ['a non-string value', { env: 1 }],
    ['65 labels', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']))],
  ])('rejects %s', (_what, labels) => {
    expect(Labels.safeParse(labels).success).toBe(false);
  });

  it('agrees with the selector parser on which keys and values are valid', () => {
    const keys = [
      'env',
      'example.com/tier',
      'a_b.c-d',
      'A9',
      '-env',
      'env-',
      'a/b/c',
      'Ex.com/a',
      'k'.repeat(64),
    ];
    for (const key of keys) {
      const asLabel = Labels.safeParse({ [key]: 'v' }).success;
      expect({ key, asSelector: SelectorText.safeParse(`${key}=v`).success }).toEqual({
        key,
        asSelector: asLabel,
      });
    }
    const values = ['prod', 'v1.2', 'a_b-c', '.x', 'x_', 'a/b', 'v'.repeat(64)];
    for (const value of values) {
      const asLabel = Labels.safeParse({ k: value }).success;
      expect({ value, asSelector: SelectorText.safeParse(`k in (${value})`).success }).toEqual({
        value,
        asSelector: asLabel,
      });
    }
  });
});

import { ErrorCode, InvalidInputError } from '@mcp/protocol';
import {
  MAX_SELECTOR_LENGTH,
  MAX_SELECTOR_REQUIREMENTS,
  matchesSelector,
  parseSelector,
  SelectorSyntaxError,
} from './parse-selector';

function syntaxErrorOf(text: string): SelectorSyntaxError {
  try {
    parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseSelector', () => {
  it('parses every operator into its requirement', () => {
    const selector = parseSelector('a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g');
    expect(selector.requirements).toEqual([
      { key: 'a', op: 'eq', value: '1' },
      { key: 'b', op: 'eq', value: '2' },
      { key: 'c', op: 'neq', value: '3' },
      { key: 'd', op: 'in', values: ['x', 'y'] },
      { key: 'e', op: 'notin', values: ['z'] },
      { key: 'f', op: 'exists' },
      { key: 'g', op: 'notexists' },
    ]);
  });

  it('reads an empty or blank selector as no requirements', () => {
    expect(parseSelector('').requirements).toEqual([]);
    expect(parseSelector('  \t ').requirements).toEqual([]);
  });

  it('accepts an empty value after "=" and "!=" but not inside a set', () => {
    expect(parseSelector('a=,b!=').requirements).toEqual([
      { key: 'a', op: 'eq', value: '' },
      { key: 'b', op: 'neq', value: '' },
    ]);
    expect(() => parseSelector('a in (x,)')).toThrow(SelectorSyntaxError);
    expect(() => parseSelector('a in ()')).toThrow(SelectorSyntaxError);
  });

  it('tolerates whitespace around every token', () => {
    const spaced = parseSelector(
      '  env = prod ,  tier  in  ( web ,  api ) , ! canary , version != v1 ',
    );
    const tight = parseSelector('env=prod,tier in(web,api),!canary,version!=v1');
    expect(spaced.requirements).toEqual(tight.requirements);
    expect(spaced.toString()).toBe(tight.toString());
  });

  it('accepts DNS-prefixed keys and the full value charset', () => {
    expect(parseSelector('example.com/tier=a-b_c.9').requirements).toEqual([
      { key: 'example.com/tier', op: 'eq', value: 'a-b_c.9' },
    ]);
  });

  it('lets "in" and "notin" be keys and values where they are not operators', () => {
    expect(parseSelector('in=notin,notin in (in)').requirements).toEqual([
      { key: 'in', op: 'eq', value: 'notin' },
      { key: 'notin', op: 'in', values: ['in'] },
    ]);
  });
});

describe('parseSelector syntax errors say what is wrong and where', () => {
  it.each([
    ['a in (x,b', 'expected "," or ")" after "b" at position 9, found end of selector', 9],
    ['a in (x b)', 'expected "," or ")" after "x" at position 8, found "b"', 8],
    ['a in x', 'expected "(" after "in" at position 5, found "x"', 5],
    ['a in (', 'expected a label value after "(" at position 6, found end of selector', 6],
    ['a in (x,)', 'expected a label value after "," at position 8, found ")"', 8],
    ['a in (x) b', 'expected "," or end of selector after ")" at position 9, found "b"', 9],
    [',a', 'expected a label key at position 0, found ","', 0],
    ['a=1,', 'expected a label key after "," at position 4, found end of selector', 4],
    ['a=1,,b', 'expected a label key after "," at position 4, found ","', 4],
    ['!', 'expected a label key after "!" at position 1, found end of selector', 1],
    [
      '!a=1',
      'expected "," or end of selector after "!a" at position 2, found "=" (a "!key" requirement takes no operator or value)',
      2,
    ],
    [
      'a b',
      'expected "=", "!=", "in", "notin", "," or end of selector after "a" at position 2, found "b"',
      2,
    ],
    ['a=b c', 'expected "," or end of selector after "b" at position 4, found "c"', 4],
    [
      'a===b',
      'expected a label value, "," or end of selector after "==" at position 3, found "="',
      3,
    ],
    ['env=pr@d', 'unexpected character "@" at position 6', 6],
    ['env=prod;x', 'unexpected character ";" at position 8', 8],
    [
      'a=1,-b',
      'invalid label key "-b" at position 4: must be a label key like "env" or "example.com/tier"',
      4,
    ],
    [
      'a=-1',
      'invalid label value "-1" at position 2: must be a label value like "prod" or "v1.2"',
      2,
    ],
    [
      'a/b/c',
      'invalid label key "a/b/c" at position 0: must be a label key like "env" or "example.com/tier"',
      0,
    ],
  ])('%j fails with: %s', (text, reason, position) => {
    const error = syntaxErrorOf(text);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`selector: ${reason}`);
    expect(error.position).toBe(position);
  });

  it('names a key whose name part is longer than 63 characters', () => {
    const error = syntaxErrorOf(`x=1,p.io/${'k'.repeat(64)}`);
    expect(error.reason).toMatch(
      /^invalid label key "p\.io\/k+…" at position 4: its name is longer than 63 characters$/,
    );
  });

  it('names a value longer than 63 characters', () => {
    const error = syntaxErrorOf(`k in (a,${'v'.repeat(64)})`);
    expect(error.reason).toMatch(
      /^invalid label value "v+…" at position 8: is longer than 63 characters$/,
    );
  });

  it('accepts a key name and a value of exactly 63 characters', () => {
    const long = 'a'.repeat(63);
    expect(parseSelector(`${long}=${long}`).requirements).toEqual([
      { key: long, op: 'eq', value: long },
    ]);
  });
});

describe('parseSelector limits', () => {
  it(`accepts ${MAX_SELECTOR_LENGTH} characters and rejects one more at that position`, () => {
    const exact = `k=${'v'.repeat(61)}`.padEnd(MAX_SELECTOR_LENGTH, ' ');
    expect(exact).toHaveLength(MAX_SELECTOR_LENGTH);
    expect(() => parseSelector(exact)).not.toThrow();

    const error = syntaxErrorOf(`${exact} `);
    expect(error.reason).toBe('exceeds the 1024-character limit at position 1024');
    expect(error.position).toBe(MAX_SELECTOR_LENGTH);
  });

  it(`accepts ${MAX_SELECTOR_REQUIREMENTS} requirements and rejects the next one where it starts`, () => {
    const keys = Array.from({ length: MAX_SELECTOR_REQUIREMENTS + 1 }, (_, i) => `k${i}`);
    expect(parseSelector(keys.slice(0, -1).join(',')).requirements).toHaveLength(
      MAX_SELECTOR_REQUIREMENTS,
    );

    const text = keys.join(',');
    const error = syntaxErrorOf(text);
    expect(error.position).toBe(text.lastIndexOf(',') + 1);
    expect(error.reason).toBe(`exceeds the limit of 32 requirements at position ${error.position}`);
  });
});

describe('matchesSelector', () => {
  it('parses the text and matches the labels', () => {
    expect(matchesSelector('env=prod,version!=v1', { env: 'prod', version: 'v2' })).toBe(true);
    expect(matchesSelector('env=prod,version!=v1', { env: 'prod', version: 'v1' })).toBe(false);
  });

  it('throws the syntax error for a malformed selector every time, not only the first', () => {
    expect(() => matchesSelector('env=', {})).not.toThrow();
    expect(() => matchesSelector('env in', {})).toThrow(SelectorSyntaxError);
    expect(() => matchesSelector('env in', {})).toThrow(SelectorSyntaxError);
  });

  it('keeps answering correctly after more distinct selectors than it remembers', () => {
    for (let i = 0; i < 600; i++) {
      expect(matchesSelector(`n=${i}`, { n: String(i) })).toBe(true);
      expect(matchesSelector(`n=${i}`, { n: String(i + 1) })).toBe(false);
    }
  });
});

describe('SelectorSyntaxError', () => {
  it('is an InvalidInputError, so it maps to a 400 invalid_input problem', () => {
    const error = syntaxErrorOf('a in (x');
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.code).toBe(ErrorCode.InvalidInput);
    expect(error.status).toBe(400);
  });
});

import { parseSelector } from './parse-selector';

describe('Selector.matches', () => {
  it.each([
    // [selector, labels, expected]
    ['env=prod', { env: 'prod' }, true],
    ['env=prod', { env: 'dev' }, false],
    ['env=prod', {}, false],
    ['env==prod', { env: 'prod' }, true],
    ['env=', { env: '' }, true],
    ['env=', {}, false],
    ['env!=prod', { env: 'dev' }, true],
    ['env!=prod', { env: 'prod' }, false],
    ['env!=', { env: '' }, false],
    ['env in (prod,staging)', { env: 'staging' }, true],
    ['env in (prod,staging)', { env: 'dev' }, false],
    ['env in (prod,staging)', {}, false],
    ['env notin (prod,staging)', { env: 'dev' }, true],
    ['env notin (prod,staging)', { env: 'prod' }, false],
    ['env', { env: '' }, true],
    ['env', { tier: 'web' }, false],
    ['!env', { tier: 'web' }, true],
    ['!env', { env: 'prod' }, false],
    ['!env', { env: '' }, false],
  ] as [string, Record<string, string>, boolean][])('%j on %j is %p', (text, labels, expected) => {
    expect(parseSelector(text).matches(labels)).toBe(expected);
  });

  it('treats an absent label as satisfying "!=", "notin" and "!k"', () => {
    const labels = { tier: 'web' };
    expect(parseSelector('env!=prod').matches(labels)).toBe(true);
    expect(parseSelector('env notin (prod)').matches(labels)).toBe(true);
    expect(parseSelector('!env').matches(labels)).toBe(true);
  });

  it('requires every requirement to hold (comma is AND)', () => {
    const selector = parseSelector('env=prod,tier in (web,api),!canary');
    expect(selector.matches({ env: 'prod', tier: 'api' })).toBe(true);
    expect(selector.matches({ env: 'prod', tier: 'api', canary: 'true' })).toBe(false);
    expect(selector.matches({ env: 'prod', tier: 'db' })).toBe(false);
    expect(selector.matches({ env: 'dev', tier: 'web' })).toBe(false);
  });

  it('matches everything with an empty selector', () => {
    expect(parseSelector('').matches({})).toBe(true);
    expect(parseSelector(' ').matches({ env: 'prod' })).toBe(true);
  });

  it('looks only at the label map itself, never at Object.prototype', () => {
    expect(parseSelector('constructor').matches({})).toBe(false);
    expect(parseSelector('!toString').matches({})).toBe(true);
    expect(parseSelector('hasOwnProperty notin (x)').matches({})).toBe(true);
    expect(parseSelector('constructor=x').matches({ constructor: 'x' })).toBe(true);
    expect(parseSelector('!valueOf').matches(Object.create(null) as Record<string, string>)).toBe(
      true,
    );
  });
});

describe('Selector.toString', () => {
  it.each([
    ['', ''],
    ['env = prod', 'env=prod'],
    ['env==prod', 'env=prod'],
    ['env!=prod', 'env!=prod'],
    ['env=', 'env='],
    ['tier in ( web , api , web )', 'tier in (api,web)'],
    ['tier notin(b,a)', 'tier notin (a,b)'],
    ['! canary', '!canary'],
    ['zone,env=prod,b.io/app notin (x),a', 'a,b.io/app notin (x),env=prod,zone'],
    ['env=prod,env=prod', 'env=prod'],
    ['env!=a,env=b,!env,env', '!env,env,env!=a,env=b'],
  ])('writes %j canonically as %j', (text, canonical) => {
    expect(parseSelector(text).toString()).toBe(canonical);
  });

  it('re-parses to the same requirements and the same text', () => {
    const selector = parseSelector(' b in (y, x) , a != 1 , !c , d , e = ');
    const reparsed = parseSelector(selector.toString());
    expect(reparsed.requirements).toEqual(selector.requirements);
    expect(reparsed.toString()).toBe(selector.toString());
  });

  it('exposes requirements that cannot be changed behind the matcher', () => {
    const selector = parseSelector('tier in (web)');
    const [requirement] = selector.requirements;
    expect(Object.isFrozen(selector.requirements)).toBe(true);
    expect(Object.isFrozen(requirement)).toBe(true);
    expect(requirement.op === 'in' && Object.isFrozen(requirement.values)).toBe(true);
  });
});

describe('Selector round trip (property)', () => {
  // A small seeded generator: failures reproduce, and the vocabulary is narrow enough that
  // random label maps often hit, miss and omit the keys the selectors ask about.
  function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const keys = ['a', 'b', 'c', 'example.com/d', 'constructor'];
  const values = ['x', 'y', 'z', 'v1.2'];
  type Generated = { text: string; oracle: (labels: Record<string, string>) => boolean };

  function generate(random: () => number): Generated {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const space = (): string => pick(['', '', ' ', '  ', '\t']);
    const parts: string[] = [];
    const checks: ((labels: Record<string, string>) => boolean)[] = [];
    const count = Math.floor(random() * 5);
    for (let i = 0; i < count; i++) {
      const key = pick(keys);
      const has = (labels: Record<string, string>): boolean => Object.hasOwn(labels, key);
      const kind = Math.floor(random() * 6);
      if (kind === 0 || kind === 1) {
        const value = pick([...values, '']);
        const op = kind === 0 ? pick(['=', '==']) : '!=';
        parts.push(`${space()}${key}${space()}${op}${space()}${value}${space()}`);
        checks.push((l) => (kind === 0 ? has(l) && l[key] === value : !has(l) || l[key] !== value));
      } else if (kind === 2 || kind === 3) {
        const set = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(values));
        const op = kind === 2 ? 'in' : 'notin';
        parts.push(
          `${space()}${key} ${op}${space()}(${set.join(`${space()},${space()}`)})${space()}`,
        );
        checks.push((l) =>
          kind === 2 ? has(l) && set.includes(l[key]) : !has(l) || !set.includes(l[key]),
        );
      } else if (kind === 4) {
        parts.push(`${space()}${key}${space()}`);
        checks.push((l) => has(l));
      } else {
        parts.push(`${space()}!${space()}${key}${space()}`);
        checks.push((l) => !has(l));
      }
    }
    return { text: parts.join(','), oracle: (labels) => checks.every((check) => check(labels)) };
  }

  function randomLabels(random: () => number): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const key of keys) {
      const roll = random();
      if (roll < 0.4) continue;
      labels[key] = roll < 0.5 ? '' : values[Math.floor(random() * values.length)];
    }
    return labels;
  }

  it('matches the same label maps before and after toString, and as the spec says', () => {
    const random = mulberry32(20240611);
    for (let s = 0; s < 300; s++) {
      const { text, oracle } = generate(random);
      const selector = parseSelector(text);
      const reparsed = parseSelector(selector.toString());
      expect(reparsed.toString()).toBe(selector.toString());
      for (let l = 0; l < 40; l++) {
        const labels = randomLabels(random);
        const expected = oracle(labels);
        if (selector.matches(labels) !== expected || reparsed.matches(labels) !== expected) {
          throw new Error(
            `selector ${JSON.stringify(text)} (canonical ${JSON.stringify(selector.toString())}) ` +
              `on ${JSON.stringify(labels)}: expected ${expected}`,
          );
        }
      }
    }
  });
});

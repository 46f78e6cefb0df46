import { pickWeighted } from './weighted-pick';

const a = { id: 'a', weight: 1 };
const b = { id: 'b', weight: 3 };
const drained = { id: 'z', weight: 0 };

describe('pickWeighted', () => {
  it('maps the random draw onto the weights in order', () => {
    const items = [a, drained, b];
    expect(pickWeighted(items, () => 0)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.2499)?.id).toBe('a');
    expect(pickWeighted(items, () => 0.25)?.id).toBe('b');
    expect(pickWeighted(items, () => 0.999999)?.id).toBe('b');
  });

  it('picks in proportion to weight over many draws and never picks weight 0', () => {
    let seed = 42;
    // A small deterministic generator (LCG) keeps the test repeatable.
    const random = () => (seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
    const counts: Record<string, number> = { a: 0, b: 0, z: 0 };
    for (let i = 0; i < 40_000; i++) counts[pickWeighted([a, b, drained], random)?.id ?? '']++;
    expect(counts.z).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.8);
    expect(counts.b / counts.a).toBeLessThan(3.2);
  });

  it('has nothing to pick when nothing has a positive weight', () => {
    expect(pickWeighted([], () => 0.5)).toBeUndefined();
    expect(pickWeighted([drained], () => 0.5)).toBeUndefined();
  });
});

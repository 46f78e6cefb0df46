import { HealthState } from './health-state';

const thresholds = { healthyThreshold: 2, unhealthyThreshold: 3 };

function feed(state: HealthState, results: boolean[]): (string | undefined)[] {
  return results.map((passed) => state.observe(passed));
}

describe('HealthState', () => {
  it('takes an up instance down after unhealthyThreshold consecutive failures, and says so once', () => {
    const state = new HealthState(thresholds, 'up');
    expect(feed(state, [false, false, false, false])).toEqual([
      undefined,
      undefined,
      'down',
      undefined,
    ]);
    expect(state.status).toBe('down');
  });

  it('brings a down instance back after healthyThreshold consecutive passes', () => {
    const state = new HealthState(thresholds, 'down');
    expect(feed(state, [true, true, true])).toEqual([undefined, 'up', undefined]);
    expect(state.status).toBe('up');
  });

  it('starts the count again when a result breaks the streak', () => {
    const state = new HealthState(thresholds, 'up');
    expect(feed(state, [false, false, true, false, false])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(state.status).toBe('up');
    expect(state.observe(false)).toBe('down');

    expect(feed(state, [true, false, true])).toEqual([undefined, undefined, undefined]);
    expect(state.observe(true)).toBe('up');
  });

  it('does not carry passes seen while up into the count after going down', () => {
    const state = new HealthState({ healthyThreshold: 2, unhealthyThreshold: 1 }, 'up');
    feed(state, [true, true, true]);
    expect(state.observe(false)).toBe('down');
    expect(state.observe(true)).toBeUndefined();
    expect(state.observe(true)).toBe('up');
  });

  it('moves on a single result when the thresholds are 1', () => {
    const state = new HealthState({ healthyThreshold: 1, unhealthyThreshold: 1 }, 'up');
    expect(feed(state, [false, true, false])).toEqual(['down', 'up', 'down']);
  });

  it('counts afresh from a status set from outside', () => {
    const state = new HealthState(thresholds, 'up');
    feed(state, [false, false]);
    state.reset('up');
    expect(feed(state, [false, false])).toEqual([undefined, undefined]);
    state.reset('down');
    expect(state.status).toBe('down');
    expect(feed(state, [true, true])).toEqual([undefined, 'up']);
  });
});

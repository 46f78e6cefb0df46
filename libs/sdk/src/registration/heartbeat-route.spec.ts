import { HeartbeatRoute, leaseCheckEvery, type HeartbeatTransport } from './heartbeat-route';

/** Delivers `beats` heartbeats the route chooses, failing those whose index is in `failing`. */
function drive(route: HeartbeatRoute, beats: number, failing: number[] = []) {
  const taken: HeartbeatTransport[] = [];
  for (let i = 0; i < beats; i++) {
    const transport = route.next();
    taken.push(transport);
    if (failing.includes(i)) route.failed(transport);
    else route.delivered(transport);
  }
  return taken;
}

describe('HeartbeatRoute', () => {
  it('sends every heartbeat over HTTP when no Kafka was offered', () => {
    expect(drive(new HeartbeatRoute(false, 3), 5)).toEqual([
      'http',
      'http',
      'http',
      'http',
      'http',
    ]);
  });

  it('sends one heartbeat in checkEvery over HTTP, to learn whether the lease is gone', () => {
    expect(drive(new HeartbeatRoute(true, 3), 7)).toEqual([
      'kafka',
      'kafka',
      'http',
      'kafka',
      'kafka',
      'http',
      'kafka',
    ]);
  });

  it('counts a fresh registration as a confirmation of the lease', () => {
    const route = new HeartbeatRoute(true, 3);
    drive(route, 2);
    route.registered();
    expect(drive(route, 3)).toEqual(['kafka', 'kafka', 'http']);
  });

  it('retries a failed Kafka heartbeat over HTTP, and stays on HTTP for a round before trying Kafka again', () => {
    const route = new HeartbeatRoute(true, 3);
    // Beat 0 fails on Kafka; its retry (1) and the next two go over HTTP; then Kafka again.
    expect(drive(route, 7, [0])).toEqual([
      'kafka',
      'http',
      'http',
      'http',
      'kafka',
      'kafka',
      'http',
    ]);
  });

  it('keeps to HTTP while HTTP fails too, counting only delivered heartbeats towards Kafka', () => {
    const route = new HeartbeatRoute(true, 2);
    expect(drive(route, 6, [0, 1, 2])).toEqual(['kafka', 'http', 'http', 'http', 'http', 'kafka']);
  });

  it('checks the lease about once per TTL', () => {
    expect(leaseCheckEvery(30_000, 10_000)).toBe(3);
    expect(leaseCheckEvery(2_000, 1_000)).toBe(2);
    expect(leaseCheckEvery(1_000, 1_000)).toBe(1); // as short a TTL as allowed: HTTP only
    expect(() => new HeartbeatRoute(true, 0)).toThrow(RangeError);
  });
});

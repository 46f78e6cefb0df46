import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let clock: number;
  const bucket = (ratePerSecond: number, burst: number) =>
    new TokenBucket({ ratePerSecond, burst, now: () => clock });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('starts full and allows a burst of up to `burst` requests at once', () => {
    const b = bucket(10, 5);
    for (let i = 0; i < 5; i++) expect(b.tryTake()).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(b.tryTake().allowed).toBe(false);
  });

  it('says how long until enough tokens have refilled', () => {
    const b = bucket(10, 5);
    b.tryTake(5);
    expect(b.tryTake()).toEqual({ allowed: false, retryAfterMs: 100 });
    expect(b.tryTake(3)).toEqual({ allowed: false, retryAfterMs: 300 });
    clock += 40;
    expect(b.tryTake()).toEqual({ allowed: false, retryAfterMs: 60 });
  });

  it('refills at ratePerSecond', () => {
    const b = bucket(10, 5);
    b.tryTake(5);
    clock += 100;
    expect(b.tryTake().allowed).toBe(true);
    expect(b.tryTake().allowed).toBe(false);
    clock += 250;
    expect(b.available).toBeCloseTo(2.5);
  });

  it('never holds more than `burst`, however long it sat idle', () => {
    const b = bucket(10, 5);
    clock += 60_000;
    expect(b.available).toBe(5);
    expect(b.tryTake(5).allowed).toBe(true);
    expect(b.tryTake().allowed).toBe(false);
  });

  it('takes nothing when it refuses', () => {
    const b = bucket(1, 3);
    b.tryTake(2);
    expect(b.tryTake(2).allowed).toBe(false);
    expect(b.tryTake(1).allowed).toBe(true);
  });

  it('survives a clock that steps backwards', () => {
    const b = bucket(10, 5);
    b.tryTake(5);
    clock -= 10_000;
    expect(b.tryTake().allowed).toBe(false);
    clock += 100;
    expect(b.tryTake().allowed).toBe(true);
  });

  it('refuses requests it could never grant and nonsensical settings', () => {
    expect(() => bucket(10, 5).tryTake(6)).toThrow(RangeError);
    expect(() => bucket(0, 5)).toThrow(RangeError);
    expect(() => bucket(1, 0)).toThrow(RangeError);
  });
});

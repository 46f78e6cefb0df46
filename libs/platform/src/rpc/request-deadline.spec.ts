import { DEADLINE_GRACE_MS, isExpired } from './request-deadline';

describe('isExpired', () => {
  const now = 1_700_000_000_000;

  it('serves a request whose caller still waits, and one without a deadline', () => {
    expect(isExpired(String(now + 500), now)).toBe(false);
    expect(isExpired(undefined, now)).toBe(false);
    expect(isExpired('not a number', now)).toBe(false);
  });

  it('gives clock skew the grace period before calling a request expired', () => {
    expect(isExpired(String(now - DEADLINE_GRACE_MS), now)).toBe(false);
    expect(isExpired(String(now - DEADLINE_GRACE_MS - 1), now)).toBe(true);
  });
});

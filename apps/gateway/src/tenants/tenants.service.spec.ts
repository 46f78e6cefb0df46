import { decodeCursor, encodeCursor } from './tenants.service';

describe('tenant list cursors', () => {
  it('round-trips the last id of a page', () => {
    expect(decodeCursor(encodeCursor('acme-prod'))).toBe('acme-prod');
  });

  it('rejects a cursor the API did not hand out', () => {
    expect(() => decodeCursor('!!!')).toThrow('cursor');
    expect(() => decodeCursor('')).toThrow('cursor');
  });
});

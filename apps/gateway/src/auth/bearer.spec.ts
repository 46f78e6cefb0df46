import { bearerToken, sameSecret } from './bearer';

describe('bearerToken', () => {
  it('reads the token of a Bearer authorization header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  xyz ')).toBe('xyz');
  });

  it('ignores other schemes and malformed headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});

describe('sameSecret', () => {
  it('accepts only the identical secret', () => {
    expect(sameSecret('mcp-dev-admin-key', 'mcp-dev-admin-key')).toBe(true);
    expect(sameSecret('mcp-dev-admin-kez', 'mcp-dev-admin-key')).toBe(false);
    expect(sameSecret('short', 'mcp-dev-admin-key')).toBe(false);
  });
});

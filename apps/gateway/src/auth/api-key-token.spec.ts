import { issueApiKey, parseApiKey, secretDigest, secretMatches } from './api-key-token';

describe('issueApiKey', () => {
  it('issues mcp_<16 hex id>_<43 base64url secret> and the SHA-256 of the secret', () => {
    const issued = issueApiKey();
    expect(issued.token).toMatch(/^mcp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(issued.token).toBe(`mcp_${issued.keyId}_${issued.secret}`);
    expect(Buffer.from(issued.secret, 'base64url')).toHaveLength(32);
    expect(issued.secretSha256.equals(secretDigest(issued.secret))).toBe(true);
  });

  it('never issues the same id or secret twice', () => {
    const issued = Array.from({ length: 200 }, () => issueApiKey());
    expect(new Set(issued.map((k) => k.keyId)).size).toBe(200);
    expect(new Set(issued.map((k) => k.secret)).size).toBe(200);
  });
});

describe('parseApiKey', () => {
  it('reads back the id and secret of an issued key, even when the secret holds _ and -', () => {
    const secret = `_-${'a'.repeat(39)}_-`;
    expect(parseApiKey(`mcp_0123456789abcdef_${secret}`)).toEqual({
      keyId: '0123456789abcdef',
      secret,
    });
    const issued = issueApiKey();
    expect(parseApiKey(issued.token)).toEqual({ keyId: issued.keyId, secret: issued.secret });
  });

  it.each([
    ['another prefix', `mcx_0123456789abcdef_${'a'.repeat(43)}`],
    ['a short id', `mcp_0123456789abcde_${'a'.repeat(43)}`],
    ['an uppercase id', `mcp_0123456789ABCDEF_${'a'.repeat(43)}`],
    ['a short secret', `mcp_0123456789abcdef_${'a'.repeat(42)}`],
    ['a long secret', `mcp_0123456789abcdef_${'a'.repeat(44)}`],
    ['a secret outside base64url', `mcp_0123456789abcdef_${'a'.repeat(42)}+`],
    ['the operator key', 'mcp-dev-admin-key'],
    ['nothing', ''],
  ])('rejects %s', (_what, token) => {
    expect(parseApiKey(token)).toBeUndefined();
  });
});

describe('secretMatches', () => {
  it('accepts only the secret whose digest is stored', () => {
    const issued = issueApiKey();
    expect(secretMatches(issued.secret, issued.secretSha256)).toBe(true);
    expect(secretMatches(issueApiKey().secret, issued.secretSha256)).toBe(false);
    expect(secretMatches(issued.secret, Buffer.alloc(0))).toBe(false);
  });
});

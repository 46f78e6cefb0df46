import { ApiKeyCache, type StoredApiKey } from '../auth/api-key.cache';
import { issueApiKey } from '../auth/api-key-token';
import { HeartbeatCredentials } from './heartbeat-credentials';

describe('HeartbeatCredentials', () => {
  const writer = issueApiKey();
  const reader = issueApiKey();
  const admin = issueApiKey();
  const revoked = issueApiKey();
  const rows = new Map<string, StoredApiKey>(
    [
      { issued: writer, tenant: 'acme', scopes: ['registry:write'] as const, revoked: false },
      { issued: reader, tenant: 'acme', scopes: ['registry:read'] as const, revoked: false },
      { issued: admin, tenant: 'globex', scopes: ['admin'] as const, revoked: false },
      { issued: revoked, tenant: 'acme', scopes: ['registry:write'] as const, revoked: true },
    ].map(({ issued, tenant, scopes, revoked }) => [
      issued.keyId,
      { keyId: issued.keyId, tenant, scopes, secretSha256: issued.secretSha256, revoked },
    ]),
  );
  let unreachable = false;
  const credentials = new HeartbeatCredentials(
    new ApiKeyCache({
      load: async (keyId) => {
        if (unreachable) throw new Error('connection refused');
        return rows.get(keyId);
      },
    }),
  );

  afterEach(() => (unreachable = false));

  it("gives a valid registry:write key's tenant, and only that", async () => {
    await expect(credentials.check(writer.token)).resolves.toEqual({ ok: true, tenant: 'acme' });
    await expect(credentials.check(admin.token)).resolves.toEqual({ ok: true, tenant: 'globex' });
  });

  it.each([
    ['a malformed key', () => 'not-a-key', 'bad_credential', /malformed/],
    ['an unknown key', () => issueApiKey().token, 'bad_credential', /not valid/],
    ['a revoked key', () => revoked.token, 'bad_credential', /not valid/],
    [
      'a known id with the wrong secret',
      () => `mcp_${writer.keyId}_${issueApiKey().secret}`,
      'bad_credential',
      /not valid/,
    ],
    ['a key without registry:write', () => reader.token, 'missing_scope', /registry:write/],
  ])('refuses %s, saying why without the secret', async (_what, token, problem, reason) => {
    const check = await credentials.check(token());
    expect(check).toMatchObject({ ok: false, problem });
    const text = check.ok ? '' : check.reason;
    expect(text).toMatch(reason);
    expect(text).not.toContain(writer.secret);
  });

  it('rejects when the key store cannot be read, since nothing is known about the key', async () => {
    unreachable = true;
    await expect(credentials.check(issueApiKey().token)).rejects.toThrow('connection refused');
  });
});

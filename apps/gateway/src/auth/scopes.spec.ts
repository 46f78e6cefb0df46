import { grantsScopes, missingScopes } from './scopes';

describe('scopes', () => {
  it('grants what a key holds and nothing else', () => {
    expect(grantsScopes(['registry:read'], ['registry:read'])).toBe(true);
    expect(grantsScopes(['registry:read'], ['registry:write'])).toBe(false);
    expect(grantsScopes(['registry:read', 'config:read'], ['registry:read', 'config:read'])).toBe(
      true,
    );
  });

  it('lets admin do everything of its tenant', () => {
    expect(grantsScopes(['admin'], ['registry:write', 'tasks:write', 'worker', 'proxy'])).toBe(
      true,
    );
  });

  it('does not let a write scope stand in for its read scope', () => {
    expect(missingScopes(['registry:write'], ['registry:read'])).toEqual(['registry:read']);
  });

  it('names only the scopes that are missing', () => {
    expect(missingScopes(['config:read'], ['config:read', 'config:write', 'admin'])).toEqual([
      'config:write',
      'admin',
    ]);
  });

  it('needs nothing when nothing is required', () => {
    expect(grantsScopes([], [])).toBe(true);
  });
});

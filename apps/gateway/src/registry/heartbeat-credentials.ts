import type { ApiKeyScope } from '@mcp/protocol';
import { ApiKeyCache, missingScopes, parseApiKey, secretMatches } from '../auth';

/** What a heartbeat record's credential turned out to be. */
export type CredentialCheck =
  | { ok: true; tenant: string }
  | { ok: false; problem: 'bad_credential' | 'missing_scope'; reason: string };

const HEARTBEAT_SCOPES: readonly ApiKeyScope[] = ['registry:write'];

/**
 * Checks the API key a heartbeat record carries exactly as the HTTP guard checks a bearer key —
 * well-formed, known, not revoked, the right secret, `registry:write` — against this replica's
 * ApiKeyCache, so a record costs no Postgres read once its key is cached. The tenant is the
 * key's: it is the only place a record's tenant can come from. Rejects only when the key store
 * cannot be read (nothing is known about the key then).
 */
export class HeartbeatCredentials {
  constructor(private readonly keys: ApiKeyCache) {}

  async check(token: string): Promise<CredentialCheck> {
    const parsed = parseApiKey(token);
    if (!parsed) {
      return { ok: false, problem: 'bad_credential', reason: 'the API key is malformed' };
    }
    const key = await this.keys.find(parsed.keyId);
    if (!key || !secretMatches(parsed.secret, key.secretSha256)) {
      return {
        ok: false,
        problem: 'bad_credential',
        reason: `API key ${parsed.keyId} is not valid (unknown, revoked or a wrong secret)`,
      };
    }
    const missing = missingScopes(key.scopes, HEARTBEAT_SCOPES);
    if (missing.length > 0) {
      return {
        ok: false,
        problem: 'missing_scope',
        reason: `API key ${parsed.keyId} lacks the scope(s) ${missing.join(', ')}`,
      };
    }
    return { ok: true, tenant: key.tenant };
  }
}

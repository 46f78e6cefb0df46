import { Inject, Injectable } from '@nestjs/common';
import {
  ForbiddenError,
  UnauthorizedError,
  UnavailableError,
  type ApiKeyScope,
} from '@mcp/protocol';
import { SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { ApiKeyCache, type ActiveApiKey } from './api-key.cache';
import { parseApiKey, secretMatches } from './api-key-token';
import { bearerToken, sameSecret } from './bearer';
import type { CallerIdentity } from './caller-identity';
import { missingScopes } from './scopes';

const NOT_A_KEY = 'The API key is not valid (unknown, revoked or malformed).';

/**
 * Turns a tenant API key into the caller it names, against this replica's ApiKeyCache (no
 * Postgres read per request). Used by the credential guard and by the routes served ahead of
 * Nest, so both refuse the same keys with the same problems.
 */
@Injectable()
export class TenantAuthenticator {
  constructor(
    private readonly keys: ApiKeyCache,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
  ) {}

  /** The token of an `Authorization` header, or a 401 asking for one. */
  tokenOf(authorization: string | undefined): string {
    const token = bearerToken(authorization);
    if (!token) throw new UnauthorizedError('Send an API key as "Authorization: Bearer <key>".');
    return token;
  }

  /** The caller an `Authorization` header names, holding every scope of `required`. */
  async authorize(
    authorization: string | undefined,
    required: readonly ApiKeyScope[],
  ): Promise<CallerIdentity> {
    const caller = await this.authenticate(this.tokenOf(authorization));
    requireScopes(caller, required);
    return caller;
  }

  async authenticate(token: string): Promise<CallerIdentity> {
    const parsed = parseApiKey(token);
    if (!parsed) {
      if (sameSecret(token, this.config.MCP_ADMIN_KEY)) {
        throw new UnauthorizedError(
          'The operator key is not a tenant credential; send an API key.',
        );
      }
      throw new UnauthorizedError(NOT_A_KEY);
    }
    let key: ActiveApiKey | undefined;
    try {
      key = await this.keys.find(parsed.keyId);
    } catch (error) {
      this.logger.error({ err: error, keyId: parsed.keyId }, 'could not read an API key');
      throw new UnavailableError('Credentials cannot be checked right now; try again shortly.');
    }
    if (!key || !secretMatches(parsed.secret, key.secretSha256)) {
      throw new UnauthorizedError(NOT_A_KEY);
    }
    return { tenant: key.tenant, keyId: key.keyId, scopes: key.scopes };
  }
}

export function requireScopes(caller: CallerIdentity, required: readonly ApiKeyScope[]): void {
  const missing = missingScopes(caller.scopes, required);
  if (missing.length > 0) {
    throw new ForbiddenError(`This key lacks the scope(s) ${missing.join(', ')}.`);
  }
}

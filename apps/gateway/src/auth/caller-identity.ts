import type { Request } from 'express';
import type { ApiKeyScope } from '@mcp/protocol';

/** Who is calling a tenant route: the tenant, the credential and the scopes it was granted. */
export interface CallerIdentity {
  tenant: string;
  keyId: string;
  /** As granted (`admin` is not expanded); check with grantsScopes/missingScopes. */
  scopes: readonly ApiKeyScope[];
}

/** What the credential guard found on a request. */
export type Credential = { kind: 'operator' } | ({ kind: 'api-key' } & CallerIdentity);

const CREDENTIAL = Symbol('mcp.credential');

type RequestWithCredential = Request & { [CREDENTIAL]?: Credential };

export function attachCredential(request: Request, credential: Credential): void {
  (request as RequestWithCredential)[CREDENTIAL] = credential;
}

export function credentialOf(request: Request): Credential | undefined {
  return (request as RequestWithCredential)[CREDENTIAL];
}

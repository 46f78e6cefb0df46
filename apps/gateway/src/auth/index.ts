// What other gateway features use to authenticate: guard tenant routes with @RequireScopes and
// read the caller with @Caller(); operator-only routes keep @UseGuards(OperatorGuard).
export { AuthModule } from './auth.module';
export { OperatorGuard } from './operator.guard';
export { RequireScopes, TenantFromPath, Caller } from './require-scopes.decorator';
export type { CallerIdentity } from './caller-identity';
export { grantsScopes, missingScopes } from './scopes';
export { noSuchTenant } from './credential.guard';
export { ApiKeyCache } from './api-key.cache';
export { parseApiKey, secretMatches } from './api-key-token';
export { TenantAuthenticator, requireScopes } from './tenant-authenticator';

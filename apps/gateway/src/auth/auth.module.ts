import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { ApiKeyRecord } from '../keys/api-key.entity';
import { ApiKeyCache, type StoredApiKey } from './api-key.cache';
import { ApiKeyEventsFeed } from './api-key-events.feed';
import { CredentialGuard } from './credential.guard';
import { OperatorGuard } from './operator.guard';
import { TenantAuthenticator } from './tenant-authenticator';

/**
 * Credentials checks, available to every feature of the gateway: the operator guard, and the
 * tenant credential guard that acts on routes marked `@RequireScopes`/`@TenantFromPath`.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        OperatorGuard,
        {
          provide: ApiKeyCache,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new ApiKeyCache({ load: (keyId) => readStoredKey(dataSource, keyId) }),
        },
        ApiKeyEventsFeed,
        TenantAuthenticator,
        { provide: APP_GUARD, useClass: CredentialGuard },
      ],
      exports: [GATEWAY_CONFIG, OperatorGuard, ApiKeyCache, TenantAuthenticator],
    };
  }
}

async function readStoredKey(
  dataSource: DataSource,
  keyId: string,
): Promise<StoredApiKey | undefined> {
  const record = await dataSource.getRepository(ApiKeyRecord).findOneBy({ id: keyId });
  if (!record) return undefined;
  return {
    keyId: record.id,
    tenant: record.tenant,
    scopes: record.scopes,
    secretSha256: record.secretSha256,
    revoked: record.revokedAt !== null,
  };
}

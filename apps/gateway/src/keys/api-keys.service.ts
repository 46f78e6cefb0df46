import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApiKeyCreated,
  ApiKeyId,
  ApiKeyRevoked,
  NotFoundError,
  type ApiKeyList,
  type ApiKeyScope,
  type ApiKeyView,
  type CreateApiKeyBody,
  type CreatedApiKeyView,
} from '@mcp/protocol';
import { Outbox } from '@mcp/messaging';
import { EventPublisher } from '@mcp/platform';
import { ApiKeyCache } from '../auth/api-key.cache';
import { issueApiKey } from '../auth/api-key-token';
import { noSuchTenant } from '../auth/credential.guard';
import { TenantRecord } from '../tenants/tenant.entity';
import { ApiKeyRecord } from './api-key.entity';
import { decodeKeyCursor, encodeKeyCursor } from './key-list-cursor';

/** Creates, lists and revokes tenants' API keys; each change commits with its event. */
@Injectable()
export class ApiKeysService {
  private readonly outbox = new Outbox({ source: '/mcp/gateway' });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    private readonly cache: ApiKeyCache,
  ) {}

  /** Issues a key; its secret is in the answer and nowhere else. */
  async create(tenant: string, input: CreateApiKeyBody): Promise<CreatedApiKeyView> {
    const issued = issueApiKey();
    const createdAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await requireTenant(manager, tenant);
      await manager.insert(ApiKeyRecord, {
        id: issued.keyId,
        tenant,
        name: input.name,
        scopes: input.scopes,
        secretSha256: issued.secretSha256,
        createdAt,
        revokedAt: null,
      });
      await this.outbox.add(manager, ApiKeyCreated, {
        keyId: issued.keyId,
        tenant,
        name: input.name,
        scopes: input.scopes,
        time: createdAt.toISOString(),
      });
    });
    this.publisher.wake();
    this.cache.remember({
      keyId: issued.keyId,
      tenant,
      scopes: input.scopes,
      secretSha256: issued.secretSha256,
    });
    return {
      id: issued.keyId,
      key: issued.token,
      name: input.name,
      scopes: input.scopes,
      createdAt: createdAt.toISOString(),
    };
  }

  /** Pages through the tenant's active keys, oldest first. */
  async list(tenant: string, limit: number, cursor?: string): Promise<ApiKeyList> {
    const after = cursor === undefined ? undefined : decodeKeyCursor(cursor);
    await requireTenant(this.dataSource.manager, tenant);
    const query = this.dataSource
      .getRepository(ApiKeyRecord)
      .createQueryBuilder('k')
      .select(['k.id', 'k.name', 'k.scopes', 'k.createdAt'])
      .where('k.tenant = :tenant AND k.revoked_at IS NULL', { tenant })
      .orderBy('k.created_at', 'ASC')
      .addOrderBy('k.id', 'ASC')
      .limit(limit + 1);
    if (after) {
      query.andWhere('(k.created_at, k.id) > (:afterTime, :afterId)', {
        afterTime: after.createdAt,
        afterId: after.id,
      });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeKeyCursor(last) : null,
    };
  }

  /**
   * Revokes the key and announces it, so every replica refuses it within a second. Revoking a
   * key that already is revoked changes nothing and succeeds.
   */
  async revoke(tenant: string, keyId: string): Promise<void> {
    // A malformed id names no key; there is nothing to look up.
    if (!ApiKeyId.safeParse(keyId).success) {
      await requireTenant(this.dataSource.manager, tenant);
      throw new NotFoundError(`API key "${keyId}" does not exist.`);
    }
    const revokedAt = new Date();
    const changed = await this.dataSource.transaction(async (manager) => {
      await requireTenant(manager, tenant);
      const updated = await manager
        .createQueryBuilder()
        .update(ApiKeyRecord)
        .set({ revokedAt })
        .where('id = :keyId AND tenant = :tenant AND revoked_at IS NULL', { keyId, tenant })
        .returning(['name', 'scopes'])
        .execute();
      const row = (updated.raw as { name: string; scopes: ApiKeyScope[] }[])[0];
      if (!row) {
        const known = await manager.existsBy(ApiKeyRecord, { id: keyId, tenant });
        if (!known) throw new NotFoundError(`API key "${keyId}" does not exist.`);
        return false;
      }
      await this.outbox.add(manager, ApiKeyRevoked, {
        keyId,
        tenant,
        name: row.name,
        scopes: row.scopes,
        time: revokedAt.toISOString(),
      });
      return true;
    });
    // This replica refuses the key at once; the others when the event reaches them.
    this.cache.revoke(keyId);
    if (changed) this.publisher.wake();
  }
}

async function requireTenant(manager: EntityManager, tenant: string): Promise<void> {
  if (!(await manager.existsBy(TenantRecord, { id: tenant }))) throw noSuchTenant(tenant);
}

function toView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
  };
}

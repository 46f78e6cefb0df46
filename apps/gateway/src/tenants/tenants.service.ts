import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import {
  ConflictError,
  InvalidInputError,
  TenantCreated,
  type CreateTenantBody,
  type TenantView,
} from '@mcp/protocol';
import { Outbox } from '@mcp/messaging';
import { EventPublisher } from '@mcp/platform';
import { TenantRecord } from './tenant.entity';

type NewTenant = z.infer<typeof CreateTenantBody>;
type Tenant = z.infer<typeof TenantView>;

export interface TenantPage {
  items: Tenant[];
  nextCursor: string | null;
}

@Injectable()
export class TenantsService {
  private readonly outbox = new Outbox({ source: '/mcp/gateway' });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  /** Creates the tenant and its TenantCreated event in one transaction. */
  async create(input: NewTenant): Promise<Tenant> {
    const tenant = await this.dataSource.transaction(async (manager) => {
      const createdAt = new Date();
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(TenantRecord)
        .values({ id: input.id, name: input.name, createdAt })
        .orIgnore()
        .returning(['id'])
        .execute();
      if (inserted.raw.length === 0)
        throw new ConflictError(`Tenant "${input.id}" already exists.`);
      const view: Tenant = { id: input.id, name: input.name, createdAt: createdAt.toISOString() };
      await this.outbox.add(manager, TenantCreated, view);
      return view;
    });
    this.publisher.wake();
    return tenant;
  }

  /** Pages through tenants in id order; the cursor is the last id seen. */
  async list(limit: number, cursor?: string): Promise<TenantPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(TenantRecord)
      .createQueryBuilder('t')
      .orderBy('t.id', 'ASC')
      .limit(limit + 1);
    if (after !== undefined) query.where('t.id > :after', { after });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }
}

function toView(record: TenantRecord): Tenant {
  return { id: record.id, name: record.name, createdAt: record.createdAt.toISOString() };
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (decoded.length === 0 || encodeCursor(decoded) !== cursor) {
    throw new InvalidInputError('The cursor is not one this API handed out.');
  }
  return decoded;
}

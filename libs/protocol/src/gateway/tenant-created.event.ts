import { z } from 'zod';
import { defineEvent } from '../events';
import { Topic } from '../topics';
import { TenantId } from './http';

export const TenantCreated = defineEvent({
  type: 'mcp.gateway.tenant.created.v1',
  topic: Topic.GatewayEvents,
  source: '/mcp/gateway',
  description: 'An operator created a tenant; services may prepare per-tenant state.',
  schema: z
    .object({
      id: TenantId,
      name: z.string().min(1),
      createdAt: z.iso.datetime(),
    })
    .meta({ title: 'TenantCreatedData' }),
  partitionKey: (d) => d.id,
  partitionKeyDescription: 'the tenant id',
  tenantOf: (d) => d.id,
  subjectOf: (d) => `tenants/${d.id}`,
});
export type TenantCreatedData = z.infer<typeof TenantCreated.schema>;

/** Bodies and answers of the gateway's admin API. Request bodies reject unknown fields. */
import { z } from 'zod';
import { ServiceName } from '../services';
import { ServiceStatusReply } from '../system/service-status.rpc';

export const TenantId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,62}$/,
    'must be 2-63 characters of lowercase letters, digits and "-", starting with a letter or digit',
  )
  .describe('Tenant id: a lowercase slug, 2-63 characters, e.g. "acme-prod"');
export type TenantId = z.infer<typeof TenantId>;

export const CreateTenantBody = z
  .strictObject({
    id: TenantId,
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  })
  .meta({ title: 'CreateTenantBody', description: 'A new tenant.' });
export type CreateTenantBody = z.infer<typeof CreateTenantBody>;

export const TenantView = z
  .object({
    id: TenantId,
    name: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ title: 'TenantView', description: 'A tenant.' });
export type TenantView = z.infer<typeof TenantView>;

/** `GET /v1/tenants?limit=&cursor=`: query strings are text, so the limit is coerced. */
export const ListTenantsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1-200)'),
    cursor: z.string().min(1).optional().describe('The nextCursor of the previous page'),
  })
  .meta({ title: 'ListTenantsQuery' });
export type ListTenantsQuery = z.infer<typeof ListTenantsQuery>;

export const TenantList = z
  .object({
    items: z.array(TenantView),
    nextCursor: z.string().nullable().describe('null on the last page'),
  })
  .meta({ title: 'TenantList', description: 'One page of tenants, in id order.' });
export type TenantList = z.infer<typeof TenantList>;

export const UnavailableServiceStatus = z
  .object({
    service: ServiceName,
    status: z.literal('unavailable'),
    error: z.string().describe('Why the service could not be asked (timeout, broker down, …)'),
  })
  .meta({ title: 'UnavailableServiceStatus' });
export type UnavailableServiceStatus = z.infer<typeof UnavailableServiceStatus>;

export const SystemStatusView = z
  .object({
    status: z.enum(['ok', 'degraded']).describe('ok only when every service answered ok'),
    services: z.partialRecord(ServiceName, z.union([ServiceStatusReply, UnavailableServiceStatus])),
  })
  .meta({
    title: 'SystemStatusView',
    description: 'Every backend service, as it answered the gateway.',
  });
export type SystemStatusView = z.infer<typeof SystemStatusView>;

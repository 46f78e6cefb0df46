/** The registry's resource: a service instance with a TTL lease. HTTP bodies and views. */
import { z } from 'zod';
import { TenantId } from '../gateway/http';
import { Labels } from '../labels';

export const ServiceNameParam = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-_.]{0,61}[a-z0-9])?$/,
    'must be a lowercase service name like "orders-api"',
  )
  .meta({ title: 'ServiceName' });

export const InstanceId = z
  .string()
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9._:-]{0,126}[A-Za-z0-9])?$/,
    'must be an instance id like "orders-7f9c:8080"',
  )
  .meta({ title: 'InstanceId' });

export const HealthCheckSpec = z
  .strictObject({
    path: z.string().startsWith('/').max(512),
    intervalSeconds: z.number().int().min(1).max(3600).default(10),
    timeoutMs: z.number().int().min(50).max(60000).default(2000),
    healthyThreshold: z.number().int().min(1).max(10).default(2),
    unhealthyThreshold: z.number().int().min(1).max(10).default(3),
  })
  .meta({
    title: 'HealthCheckSpec',
    description: 'An active HTTP check the registry runs against the instance.',
  });
export type HealthCheckSpec = z.infer<typeof HealthCheckSpec>;

export const RegisterInstanceBody = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address'),
    port: z
      .number()
      .int()
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535'),
    weight: z.number().int().min(0).max(1000).default(100),
    labels: Labels.default({}),
    ttlSeconds: z.number().int().min(1).max(3600).default(30),
    healthCheck: HealthCheckSpec.optional(),
  })
  .meta({ title: 'RegisterInstanceBody' });
export type RegisterInstanceBody = z.infer<typeof RegisterInstanceBody>;

export const InstanceStatus = z.enum(['up', 'down']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const InstanceView = z
  .object({
    service: ServiceNameParam,
    instanceId: InstanceId,
    host: z.string(),
    port: z.number().int(),
    weight: z.number().int(),
    labels: Labels,
    ttlSeconds: z.number().int(),
    healthCheck: HealthCheckSpec.optional(),
    /** `down` while an active health check fails; a lapsed lease removes the instance instead. */
    status: InstanceStatus,
    /** Increases with every change; consumers keep the highest they have seen. */
    revision: z.number().int(),
    registeredAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ title: 'Instance' });
export type InstanceView = z.infer<typeof InstanceView>;

export const RegisteredInstance = z
  .object({ instance: InstanceView, leaseExpiresAt: z.iso.datetime(), created: z.boolean() })
  .meta({ title: 'RegisteredInstance' });
export type RegisteredInstance = z.infer<typeof RegisteredInstance>;

export const ServiceSummary = z
  .object({ name: ServiceNameParam, instances: z.number().int(), healthy: z.number().int() })
  .meta({ title: 'ServiceSummary' });
export const ServiceList = z
  .object({ items: z.array(ServiceSummary), nextCursor: z.string().nullable() })
  .meta({ title: 'ServiceList' });
export type ServiceList = z.infer<typeof ServiceList>;

export const InstanceList = z
  .object({ items: z.array(InstanceView) })
  .meta({ title: 'InstanceList' });
export type InstanceList = z.infer<typeof InstanceList>;

export const ListInstancesQuery = z
  .object({
    selector: z.string().max(1024).optional().describe('Label selector, e.g. env=prod,version!=v1'),
    healthy: z.enum(['true', 'false']).optional().describe('true: only instances that are up'),
  })
  .meta({ title: 'ListInstancesQuery' });

/** Every registry request names the tenant the gateway authenticated; the registry trusts nothing else. */
export const InstanceAddress = z.strictObject({
  tenant: TenantId,
  service: ServiceNameParam,
  instanceId: InstanceId,
});
export type InstanceAddress = z.infer<typeof InstanceAddress>;

/** Keys on Kafka: one service's events share a partition; one instance is one compacted entry. */
export function serviceKeyOf(tenant: string, service: string): string {
  return `${tenant}/${service}`;
}
export function instanceKeyOf(tenant: string, service: string, instanceId: string): string {
  return `${tenant}/${service}/${instanceId}`;
}

import type { HealthCheckSpec, InstanceView, RegisterInstanceBody } from '@mcp/protocol';

/** A row of `instances` as Postgres returns it to a raw query. */
export interface InstanceRow {
  tenant_id: string;
  service: string;
  instance_id: string;
  host: string;
  port: number;
  weight: number;
  labels: Record<string, string>;
  ttl_seconds: number;
  health_check: HealthCheckSpec | null;
  status: 'up' | 'down';
  revision: number;
  registered_at: Date;
  updated_at: Date;
}

export function toInstanceView(row: InstanceRow): InstanceView {
  return {
    service: row.service,
    instanceId: row.instance_id,
    host: row.host,
    port: row.port,
    weight: row.weight,
    labels: row.labels,
    ttlSeconds: row.ttl_seconds,
    ...(row.health_check ? { healthCheck: row.health_check } : {}),
    status: row.status,
    revision: row.revision,
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A repeated PUT of the same registration changes nothing but the lease. */
export function sameRegistration(row: InstanceRow, body: RegisterInstanceBody): boolean {
  return (
    row.host === body.host &&
    row.port === body.port &&
    row.weight === body.weight &&
    row.ttl_seconds === body.ttlSeconds &&
    canonical(row.labels) === canonical(body.labels) &&
    canonical(row.health_check ?? null) === canonical(body.healthCheck ?? null)
  );
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

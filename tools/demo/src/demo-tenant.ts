/** Gets the demo tenant ready through the gateway's operator API, the way an operator would. */

export const DEMO_TENANT = 'demo';

export interface DemoTenantOptions {
  gatewayUrl: string;
  /** The operator key (MCP_ADMIN_KEY). */
  adminKey: string;
}

/**
 * Creates tenant `demo` unless it exists (409 is fine) and a fresh key with registry:write and
 * registry:read, returning the key — it is shown only once, so each call makes a new one.
 */
export async function ensureDemoTenant({
  gatewayUrl,
  adminKey,
}: DemoTenantOptions): Promise<string> {
  const base = gatewayUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const tenant = await fetch(`${base}/v1/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: DEMO_TENANT, name: 'Demo' }),
  });
  if (tenant.status !== 201 && tenant.status !== 409) {
    throw new Error(
      `creating tenant "${DEMO_TENANT}" failed: ${tenant.status} ${await tenant.text()}`,
    );
  }
  const created = await fetch(`${base}/v1/tenants/${DEMO_TENANT}/keys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: `demo ${new Date().toISOString()}`,
      scopes: ['registry:write', 'registry:read'],
    }),
  });
  if (created.status !== 201) {
    throw new Error(
      `creating a key for "${DEMO_TENANT}" failed: ${created.status} ${await created.text()}`,
    );
  }
  return ((await created.json()) as { key: string }).key;
}

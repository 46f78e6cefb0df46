import type { ApiKeyScope } from '@mcp/protocol';

/** The required scopes a key does not hold; `admin` holds every scope of its tenant. */
export function missingScopes(
  granted: readonly ApiKeyScope[],
  required: readonly ApiKeyScope[],
): ApiKeyScope[] {
  if (granted.includes('admin')) return [];
  return required.filter((scope) => !granted.includes(scope));
}

/** Whether a key with `granted` may do what needs every one of `required`. */
export function grantsScopes(
  granted: readonly ApiKeyScope[],
  required: readonly ApiKeyScope[],
): boolean {
  return missingScopes(granted, required).length === 0;
}

/** Which CloudEvents a tenant's event stream carries: `?types=registry.*,registry.instance.expired.v1`. */
import { InvalidInputError, Topic, type ApiKeyScope } from '@mcp/protocol';

/** An event family a tenant may follow: where its events live and the scope that reads them. */
export interface EventFamily {
  name: string;
  topic: string;
  scope: ApiKeyScope;
}

/** The families a stream can follow today; config and task events join as they are built. */
export const EVENT_FAMILIES: readonly EventFamily[] = Object.freeze([
  { name: 'registry', topic: Topic.RegistryEvents, scope: 'registry:read' },
]);

const MAX_PATTERNS = 20;
const MAX_PATTERN_LENGTH = 200;
// A type pattern: dot-separated lowercase segments, optionally ending in `.*`; `mcp.` optional.
const PATTERN = /^(mcp\.)?[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*(\.\*)?$/;

export interface EventTypeFilter {
  /** The families the patterns reach, each once. */
  readonly families: readonly EventFamily[];
  /** The topics to read, each once. */
  readonly topics: readonly string[];
  /** The scopes a key needs to follow these patterns. */
  readonly scopes: readonly ApiKeyScope[];
  matches(type: string): boolean;
}

/**
 * Parses a comma list of type patterns: a full type (`mcp.registry.instance.expired.v1`, the
 * `mcp.` may be left off) or a prefix ending in `.*` (`registry.*`, `registry.instance.*`).
 * No `types` means every family.
 */
export function parseEventTypes(text: string | undefined): EventTypeFilter {
  const raw = text === undefined ? EVENT_FAMILIES.map((f) => `${f.name}.*`) : text.split(',');
  const patterns = raw.map((p) => p.trim()).filter((p) => p !== '');
  if (patterns.length === 0) {
    throw invalidTypes('name at least one event type pattern, e.g. "registry.*"');
  }
  if (patterns.length > MAX_PATTERNS) {
    throw invalidTypes(`name at most ${MAX_PATTERNS} patterns`);
  }

  const prefixes: string[] = [];
  const exact = new Set<string>();
  const families = new Map<string, EventFamily>();
  for (const pattern of patterns) {
    if (pattern.length > MAX_PATTERN_LENGTH || !PATTERN.test(pattern)) {
      throw invalidTypes(
        `"${pattern.slice(0, MAX_PATTERN_LENGTH)}" is not a type pattern like "registry.*" or "registry.instance.expired.v1"`,
      );
    }
    const full = pattern.startsWith('mcp.') ? pattern : `mcp.${pattern}`;
    const familyName = full.split('.')[1];
    const family = EVENT_FAMILIES.find((f) => f.name === familyName);
    if (!family) {
      const known = EVENT_FAMILIES.map((f) => `"${f.name}.*"`).join(', ');
      throw invalidTypes(`"${pattern}" names no event family that can be followed (${known})`);
    }
    families.set(family.name, family);
    if (full.endsWith('.*')) prefixes.push(full.slice(0, -1));
    else exact.add(full);
  }

  const chosen = [...families.values()];
  return {
    families: chosen,
    topics: [...new Set(chosen.map((f) => f.topic))],
    scopes: [...new Set(chosen.map((f) => f.scope))],
    matches: (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix)),
  };
}

function invalidTypes(message: string): InvalidInputError {
  return new InvalidInputError(`Invalid query: types: ${message}.`, [{ path: 'types', message }]);
}

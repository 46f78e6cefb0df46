/** A parsed label selector: its requirements in canonical order and a matcher built once. */

export type Requirement =
  | { readonly key: string; readonly op: 'eq' | 'neq'; readonly value: string }
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | 'notexists' };

export interface Selector {
  /** Every requirement must hold (comma = AND); none means the selector matches everything. */
  readonly requirements: readonly Requirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
  /** The canonical form: sorted, deduplicated, no spaces; parses back to the same selector. */
  toString(): string;
}

/** What `matches` walks: the requirement with its value set prepared ahead of time. */
interface Check {
  readonly key: string;
  readonly op: Requirement['op'];
  readonly value: string;
  readonly values: ReadonlySet<string>;
}

const NO_VALUES: ReadonlySet<string> = new Set();

class CompiledSelector implements Selector {
  readonly requirements: readonly Requirement[];
  private readonly checks: readonly Check[];
  private readonly text: string;

  constructor(requirements: readonly Requirement[]) {
    const canonical = canonicalRequirements(requirements);
    this.requirements = Object.freeze(canonical);
    this.checks = canonical.map(toCheck);
    this.text = canonical.map(formatRequirement).join(',');
  }

  // Runs per instance per discovery query and per proxied request: an indexed loop over
  // prepared checks, with no allocation.
  matches(labels: Readonly<Record<string, string>>): boolean {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i];
      // One keyed read per requirement. An absent label reads as undefined and what a plain
      // object inherits ("constructor", "toString") as a function: neither equals a string nor
      // is in a set of strings, and "present" means "holds a string".
      const value: unknown = labels[check.key];
      const present = typeof value === 'string';
      switch (check.op) {
        case 'eq':
          if (value !== check.value) return false;
          break;
        case 'neq':
          if (value === check.value) return false;
          break;
        case 'in':
          if (!present || !check.values.has(value)) return false;
          break;
        case 'notin':
          if (present && check.values.has(value)) return false;
          break;
        case 'exists':
          if (!present) return false;
          break;
        case 'notexists':
          if (present) return false;
          break;
      }
    }
    return true;
  }

  toString(): string {
    return this.text;
  }
}

/** Builds a selector from requirements already checked by the parser. */
export function selectorOf(requirements: readonly Requirement[]): Selector {
  return new CompiledSelector(requirements);
}

/**
 * Sorts requirements by key (then by their text), sorts and dedupes set values, and drops exact
 * duplicates, so that equal selectors have equal `toString()` however they were written.
 */
function canonicalRequirements(requirements: readonly Requirement[]): Requirement[] {
  const byText = new Map<string, Requirement>();
  for (const requirement of requirements) {
    const normalized = normalize(requirement);
    byText.set(formatRequirement(normalized), normalized);
  }
  return [...byText.entries()]
    .sort(([textA, a], [textB, b]) => compare(a.key, b.key) || compare(textA, textB))
    .map(([, requirement]) => requirement);
}

function normalize(requirement: Requirement): Requirement {
  if (requirement.op === 'in' || requirement.op === 'notin') {
    const values = Object.freeze([...new Set(requirement.values)].sort(compare));
    return Object.freeze({ key: requirement.key, op: requirement.op, values });
  }
  return Object.freeze({ ...requirement });
}

function toCheck(requirement: Requirement): Check {
  switch (requirement.op) {
    case 'eq':
    case 'neq':
      return {
        key: requirement.key,
        op: requirement.op,
        value: requirement.value,
        values: NO_VALUES,
      };
    case 'in':
    case 'notin':
      return {
        key: requirement.key,
        op: requirement.op,
        value: '',
        values: new Set(requirement.values),
      };
    case 'exists':
    case 'notexists':
      return { key: requirement.key, op: requirement.op, value: '', values: NO_VALUES };
  }
}

export function formatRequirement(requirement: Requirement): string {
  switch (requirement.op) {
    case 'eq':
      return `${requirement.key}=${requirement.value}`;
    case 'neq':
      return `${requirement.key}!=${requirement.value}`;
    case 'in':
      return `${requirement.key} in (${requirement.values.join(',')})`;
    case 'notin':
      return `${requirement.key} notin (${requirement.values.join(',')})`;
    case 'exists':
      return requirement.key;
    case 'notexists':
      return `!${requirement.key}`;
  }
}

// Code-unit order, not locale order: the canonical form must not depend on the host.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

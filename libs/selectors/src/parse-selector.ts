/**
 * The parser of MCP's label-selector language (Kubernetes style, comma = AND):
 * `k=v` / `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
import { InvalidInputError, LabelKey, LabelValue } from '@mcp/protocol';
import { type Requirement, type Selector, selectorOf } from './selector';

export const MAX_SELECTOR_LENGTH = 1024;
export const MAX_SELECTOR_REQUIREMENTS = 32;

const MAX_KEY_NAME_LENGTH = 63;
const MAX_KEY_LENGTH = 253;
const MAX_VALUE_LENGTH = 63;

/** A selector that does not parse; `position` is the 0-based character offset of the problem. */
export class SelectorSyntaxError extends InvalidInputError {
  constructor(
    /** What is wrong and where, without the leading `selector: `. */
    readonly reason: string,
    readonly position: number,
  ) {
    super(`selector: ${reason}`);
  }
}

/** Parses a selector once so that it can be matched many times; throws SelectorSyntaxError. */
export function parseSelector(text: string): Selector {
  if (text.length > MAX_SELECTOR_LENGTH) {
    throw new SelectorSyntaxError(
      `exceeds the ${MAX_SELECTOR_LENGTH}-character limit at position ${MAX_SELECTOR_LENGTH}`,
      MAX_SELECTOR_LENGTH,
    );
  }
  return selectorOf(new SelectorParser(text).parse());
}

// parseSelector on every call would make the convenience a trap on hot paths; a small FIFO cache
// of recent texts keeps repeated selectors cheap without growing with hostile input.
const CACHE_SIZE = 256;
const recentSelectors = new Map<string, Selector>();

/** Parses (or reuses a recent parse of) `text` and matches it against `labels`. */
export function matchesSelector(text: string, labels: Readonly<Record<string, string>>): boolean {
  let selector = recentSelectors.get(text);
  if (selector === undefined) {
    selector = parseSelector(text);
    if (recentSelectors.size >= CACHE_SIZE) {
      const oldest = recentSelectors.keys().next();
      if (!oldest.done) recentSelectors.delete(oldest.value);
    }
    recentSelectors.set(text, selector);
  }
  return selector.matches(labels);
}

type TokenKind = 'word' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based offset of the token's first character. */
  readonly position: number;
}

const WORD_CHAR = /[-A-Za-z0-9_./]/;
const SPACE = /\s/;

class SelectorLexer {
  private offset = 0;
  private lookahead: Token | undefined;

  constructor(private readonly text: string) {}

  peek(): Token {
    this.lookahead ??= this.read();
    return this.lookahead;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private read(): Token {
    const text = this.text;
    while (this.offset < text.length && SPACE.test(text[this.offset])) this.offset++;
    const start = this.offset;
    if (start >= text.length) return { kind: 'end', text: '', position: start };

    const char = text[start];
    const following = text[start + 1];
    if (WORD_CHAR.test(char)) {
      let end = start + 1;
      while (end < text.length && WORD_CHAR.test(text[end])) end++;
      this.offset = end;
      return { kind: 'word', text: text.slice(start, end), position: start };
    }
    if ((char === '=' || char === '!') && following === '=') {
      this.offset = start + 2;
      return { kind: char === '=' ? '==' : '!=', text: `${char}=`, position: start };
    }
    if (char === '=' || char === '!' || char === '(' || char === ')' || char === ',') {
      this.offset = start + 1;
      return { kind: char, text: char, position: start };
    }
    const shown = String.fromCodePoint(text.codePointAt(start) ?? 0);
    throw new SelectorSyntaxError(
      `unexpected character ${JSON.stringify(shown)} at position ${start}`,
      start,
    );
  }
}

class SelectorParser {
  private readonly lexer: SelectorLexer;

  constructor(text: string) {
    this.lexer = new SelectorLexer(text);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.lexer.peek().kind === 'end') return requirements;
    let previous: Token | undefined;
    for (;;) {
      const start = this.lexer.peek();
      if (requirements.length === MAX_SELECTOR_REQUIREMENTS) {
        throw new SelectorSyntaxError(
          `exceeds the limit of ${MAX_SELECTOR_REQUIREMENTS} requirements at position ${start.position}`,
          start.position,
        );
      }
      requirements.push(this.requirement(previous));
      const separator = this.lexer.next();
      if (separator.kind === 'end') return requirements;
      previous = separator;
    }
  }

  /** One requirement, then checks that a "," or the end follows it (without consuming it). */
  private requirement(previous: Token | undefined): Requirement {
    const first = this.lexer.next();
    if (first.kind === '!') {
      const key = this.key(this.lexer.next(), first);
      this.expectSeparator(`"!${key.text}"`, ' (a "!key" requirement takes no operator or value)');
      return { key: key.text, op: 'notexists' };
    }
    const key = this.key(first, previous);
    const operator = this.lexer.peek();
    switch (operator.kind) {
      case '=':
      case '==':
      case '!=': {
        this.lexer.next();
        const value = this.optionalValue(operator);
        return { key: key.text, op: operator.kind === '!=' ? 'neq' : 'eq', value };
      }
      case 'word':
        if (operator.text === 'in' || operator.text === 'notin') {
          this.lexer.next();
          const values = this.valueSet(operator);
          this.expectSeparator('")"');
          return { key: key.text, op: operator.text, values };
        }
        break;
      case ',':
      case 'end':
        return { key: key.text, op: 'exists' };
    }
    throw this.unexpected(
      operator,
      `expected "=", "!=", "in", "notin", "," or end of selector after ${quote(key.text)}`,
    );
  }

  private key(token: Token, after: Token | undefined): Token {
    if (token.kind !== 'word') {
      const context = after ? ` after ${quote(after.text)}` : '';
      throw this.unexpected(token, `expected a label key${context}`);
    }
    const problem = keyProblem(token.text);
    if (problem) {
      throw new SelectorSyntaxError(
        `invalid label key ${quote(token.text)} at position ${token.position}: ${problem}`,
        token.position,
      );
    }
    return token;
  }

  /** The value after "=", "==" or "!=": may be empty when a "," or the end follows. */
  private optionalValue(operator: Token): string {
    const token = this.lexer.peek();
    if (token.kind === ',' || token.kind === 'end') return '';
    if (token.kind !== 'word') {
      throw this.unexpected(
        token,
        `expected a label value, "," or end of selector after ${quote(operator.text)}`,
      );
    }
    this.lexer.next();
    this.checkValue(token);
    this.expectSeparator(quote(token.text));
    return token.text;
  }

  /** `( value [, value]* )`, each value non-empty. */
  private valueSet(operator: Token): string[] {
    const open = this.lexer.next();
    if (open.kind !== '(')
      throw this.unexpected(open, `expected "(" after ${quote(operator.text)}`);
    const values: string[] = [];
    let previous = open;
    for (;;) {
      const token = this.lexer.next();
      if (token.kind !== 'word') {
        throw this.unexpected(token, `expected a label value after ${quote(previous.text)}`);
      }
      this.checkValue(token);
      values.push(token.text);
      const separator = this.lexer.next();
      if (separator.kind === ')') return values;
      if (separator.kind !== ',') {
        throw this.unexpected(separator, `expected "," or ")" after ${quote(token.text)}`);
      }
      previous = separator;
    }
  }

  private checkValue(token: Token): void {
    const problem = valueProblem(token.text);
    if (problem) {
      throw new SelectorSyntaxError(
        `invalid label value ${quote(token.text)} at position ${token.position}: ${problem}`,
        token.position,
      );
    }
  }

  private expectSeparator(after: string, hint = ''): void {
    const token = this.lexer.peek();
    if (token.kind !== ',' && token.kind !== 'end') {
      throw this.unexpected(token, `expected "," or end of selector after ${after}`, hint);
    }
  }

  private unexpected(token: Token, expectation: string, hint = ''): SelectorSyntaxError {
    const found = token.kind === 'end' ? 'end of selector' : quote(token.text);
    return new SelectorSyntaxError(
      `${expectation} at position ${token.position}, found ${found}${hint}`,
      token.position,
    );
  }
}

// Which keys and values are valid is defined once, by the protocol's label schemas; the length
// checks here only name the usual problem more precisely than a pattern mismatch would.
function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  if (name.length > MAX_KEY_NAME_LENGTH) {
    return `its name is longer than ${MAX_KEY_NAME_LENGTH} characters`;
  }
  const result = LabelKey.safeParse(key);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not a label key');
}

function valueProblem(value: string): string | undefined {
  if (value.length > MAX_VALUE_LENGTH) return `is longer than ${MAX_VALUE_LENGTH} characters`;
  const result = LabelValue.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not a label value');
}

/** A token for a message, cut short so a hostile selector cannot flood the error. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

// @mcp/selectors — MCP's one label-selector language (k=v, k!=v, k in (a,b), k notin (a,b), k,
// !k), shared by registry discovery, config beta release and gateway canary splits.
// Framework-free: depends on zod and @mcp/protocol only.
export type { Requirement, Selector } from './selector';
export {
  MAX_SELECTOR_LENGTH,
  MAX_SELECTOR_REQUIREMENTS,
  matchesSelector,
  parseSelector,
  SelectorSyntaxError,
} from './parse-selector';
export { Labels, SelectorText } from './schemas';

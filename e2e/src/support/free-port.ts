/** A port no app of this test file has been given yet (see tools/infra's freePort). */
export { freePort } from '@mcp/test-infra';

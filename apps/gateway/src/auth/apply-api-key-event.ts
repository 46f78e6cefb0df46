import { ApiKeyCreated, ApiKeyRevoked, parseEventData, type CloudEvent } from '@mcp/protocol';
import type { ApiKeyCache } from './api-key.cache';

/** Applies one gateway event to the key cache; other event types are not its business. */
export function applyApiKeyEvent(cache: ApiKeyCache, event: CloudEvent<unknown>): void {
  if (event.type === ApiKeyRevoked.type) {
    cache.revoke(parseEventData(ApiKeyRevoked, event).data.keyId);
  } else if (event.type === ApiKeyCreated.type) {
    cache.created(parseEventData(ApiKeyCreated, event).data.keyId);
  }
}

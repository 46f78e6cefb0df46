import type { z } from 'zod';
import { DomainError, ErrorCode, invalidInputFromZod, type RpcDefinition } from '@mcp/protocol';
import type { ServiceLogger } from '../tokens';

type RpcErrorReplyBody = { error: { code: string; detail: string } };

/**
 * Serves one request/reply message: validates the request with its schema, runs the service
 * method, and answers either the reply or a typed error — never an exception that Kafka would
 * redeliver forever.
 */
export async function answerRpc<Req extends z.ZodType, Rep extends z.ZodType>(
  definition: RpcDefinition<Req, Rep>,
  payload: unknown,
  serve: (request: z.infer<Req>) => Promise<z.input<Rep>>,
  logger: ServiceLogger,
): Promise<z.infer<Rep> | RpcErrorReplyBody> {
  const request = definition.request.safeParse(payload ?? {});
  if (!request.success) {
    const error = invalidInputFromZod(request.error, definition.pattern);
    return { error: { code: error.code, detail: error.message } };
  }
  try {
    return definition.reply.parse(await serve(request.data));
  } catch (error) {
    if (error instanceof DomainError) return { error: { code: error.code, detail: error.message } };
    logger.error({ err: error, pattern: definition.pattern }, 'request failed');
    return {
      error: { code: ErrorCode.Internal, detail: 'The service failed to answer; see its logs.' },
    };
  }
}

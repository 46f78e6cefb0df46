/** How a Kafka request/reply exchange is declared: its pattern and both message schemas. */
import { z } from 'zod';

export interface RpcDefinition<
  Req extends z.ZodType = z.ZodType,
  Rep extends z.ZodType = z.ZodType,
> {
  /** The request topic; replies come back on `replyTopicOf(pattern)`. */
  pattern: string;
  description: string;
  request: Req;
  reply: Rep;
}

export function defineRpc<Req extends z.ZodType, Rep extends z.ZodType>(
  def: RpcDefinition<Req, Rep>,
): RpcDefinition<Req, Rep> {
  return Object.freeze(def);
}

/** What a service answers instead of the reply when it fails; `code` is an ErrorCode. */
export const RpcErrorReply = z
  .object({ error: z.object({ code: z.string(), detail: z.string() }) })
  .meta({ title: 'RpcErrorReply', description: 'A failed request: an error code and a sentence.' });
export type RpcErrorReply = z.infer<typeof RpcErrorReply>;

import { z } from 'zod';

/** The four MCP services; each owns its topics, its Postgres schema and its events' `source`. */
export const ServiceName = z.enum(['gateway', 'registry', 'config', 'scheduler']);
export type ServiceName = z.infer<typeof ServiceName>;

/** Reads docker-compose.yml into a typed shape, keeping only the parts the checks look at. */
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Compose accepts strings and numbers as environment values but rejects booleans, so a bare
 * `true` here fails to parse just as it would fail `docker compose up`.
 */
const environmentValue = z.union([z.string(), z.number()]).transform(String);

const environment = z
  .union([
    z.record(z.string(), environmentValue),
    z
      .array(z.string())
      .transform((entries) =>
        Object.fromEntries(
          entries.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]),
        ),
      ),
  ])
  .default({});

const dependsOn = z
  .union([
    z
      .array(z.string())
      .transform((names) =>
        Object.fromEntries(names.map((name) => [name, { condition: 'service_started' }])),
      ),
    z.record(z.string(), z.object({ condition: z.string().default('service_started') })),
  ])
  .default({});

const ComposeServiceSchema = z.object({
  image: z.string().optional(),
  build: z
    .object({
      context: z.string(),
      dockerfile: z.string().default('Dockerfile'),
      args: z.record(z.string(), environmentValue).default({}),
    })
    .optional(),
  environment,
  ports: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  volumes: z.array(z.string()).default([]),
  depends_on: dependsOn,
  restart: z.string().optional(),
  healthcheck: z
    .object({
      test: z.union([z.string(), z.array(z.string())]),
    })
    .optional(),
});

const ComposeFileSchema = z.object({
  services: z.record(z.string(), ComposeServiceSchema),
  volumes: z.record(z.string(), z.unknown()).default({}),
});

export type ComposeService = z.infer<typeof ComposeServiceSchema>;
export type ComposeFile = z.infer<typeof ComposeFileSchema>;

export function parseComposeFile(text: string): ComposeFile {
  // Compose resolves `<<: *anchor` merge keys, which YAML 1.2 leaves off unless asked.
  return ComposeFileSchema.parse(parse(text, { merge: true }));
}

/** The healthcheck command as one string, without the CMD / CMD-SHELL marker. */
export function healthcheckCommand(service: ComposeService): string | undefined {
  const test = service.healthcheck?.test;
  if (test === undefined) return undefined;
  if (typeof test === 'string') return test;
  const [marker, ...words] = test;
  return marker === 'CMD' || marker === 'CMD-SHELL' ? words.join(' ') : test.join(' ');
}

export interface PortMapping {
  hostIp?: string;
  published: number;
  target: number;
}

/** Short port syntax: `[ip:]published:target[/protocol]` (a lone target publishes a random port). */
export function parsePortMapping(entry: string): PortMapping {
  const parts = entry.replace(/\/(tcp|udp)$/, '').split(':');
  const target = Number(parts.at(-1));
  const published = parts.length >= 2 ? Number(parts.at(-2)) : Number.NaN;
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  return { hostIp, published, target };
}

export interface KafkaListener {
  name: string;
  host: string;
  port: number;
}

/** `NAME://host:port,...` as used by Kafka's listeners and advertised.listeners settings. */
export function parseKafkaListeners(value: string | undefined): KafkaListener[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const match = /^([A-Z0-9_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
    if (!match) throw new Error(`not a Kafka listener: ${entry}`);
    return { name: match[1], host: match[2], port: Number(match[3]) };
  });
}

/** `NAME:PROTOCOL,...` as used by listener.security.protocol.map. */
export function parseProtocolMap(value: string | undefined): Map<string, string> {
  return new Map(
    (value ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [name, protocol] = entry.trim().split(':');
        return [name, protocol] as [string, string];
      }),
  );
}

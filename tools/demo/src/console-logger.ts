import type { SdkLogger } from '@mcp/sdk';

/** One line per entry on stderr, for running the demo by hand. */
export function consoleLogger(prefix = 'demo'): SdkLogger {
  const line =
    (level: string) =>
    (fields: object, message: string): void => {
      const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      console.error(`[${prefix}] ${level} ${message}${extra}`);
    };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * Runs the demo on its own against a running stack (`npm start` elsewhere):
 * `npx tsx --tsconfig tsconfig.base.json tools/demo/main.ts`. Ctrl-C deregisters and exits.
 */
import { consoleLogger, ensureDemoTenant, startDemo } from './src/index';

async function main(): Promise<void> {
  const gatewayUrl = process.env['MCP_GATEWAY_URL'] ?? 'http://localhost:8080';
  const logger = consoleLogger();
  const apiKey =
    process.env['MCP_API_KEY'] ??
    (await ensureDemoTenant({
      gatewayUrl,
      adminKey: process.env['MCP_ADMIN_KEY'] ?? 'mcp-dev-admin-key',
    }));
  const demo = await startDemo({ gatewayUrl, apiKey, logger, closeOnSignals: false });
  console.error(`demo-hello listening on ${demo.url} as ${demo.instanceId}`);
  demo.discovery.on('change', (instances) =>
    console.error(
      `demo-hello instances: ${instances.map((i) => i.instanceId).join(', ') || '(none)'}`,
    ),
  );
  const stop = () => {
    void demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** Jest globalTeardown: stops what global-setup.ts started (nothing when the environment gave it). */
import type { RunningInfra } from '../src/index';

interface InfraHolder {
  __mcpTestInfra__?: RunningInfra;
}

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as InfraHolder;
  const infra = holder.__mcpTestInfra__;
  if (!infra) return;
  holder.__mcpTestInfra__ = undefined;
  await infra.stop();
  if (infra.started.includes('kafka')) delete process.env['KAFKA_BROKERS'];
  if (infra.started.includes('postgres')) delete process.env['DATABASE_URL'];
}

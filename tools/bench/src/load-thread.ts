/**
 * Runs the heartbeat load on a worker thread of its own, so sending thousands of requests a
 * second never delays the Kafka consumers that time propagation on the main thread (and the
 * propagation figures of MCP and of the floor are taken under the same conditions).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  KeepAliveClient,
  runHeartbeatLoad,
  type LoadHooks,
  type LoadPlan,
  type LoadResult,
} from './heartbeat-load';

export interface LoadThreadInput {
  baseUrl: string;
  plan: LoadPlan;
  requestTimeoutMs: number;
  /** The heartbeat path of each instance. */
  paths: string[];
  headers: Record<string, string>;
}

type LoadThreadMessage =
  | { kind: 'measure-start' }
  | { kind: 'measure-end' }
  | { kind: 'result'; result: LoadResult }
  | { kind: 'failed'; error: string };

/** Starts the worker; `stop` ends it early (its sockets close with it). */
export function runLoadInThread(
  input: LoadThreadInput,
  hooks: LoadHooks,
): { result: Promise<LoadResult>; stop: () => Promise<void> } {
  // A worker does not inherit tsx's loader: it registers tsx's CommonJS hook, then loads this file.
  const worker = new Worker(
    `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`,
    { eval: true, workerData: input },
  );
  const result = new Promise<LoadResult>((resolve, reject) => {
    worker.on('message', (message: LoadThreadMessage) => {
      if (message.kind === 'measure-start') hooks.onMeasureStart?.();
      else if (message.kind === 'measure-end') hooks.onMeasureEnd?.();
      else if (message.kind === 'result') resolve(message.result);
      else reject(new Error(`the load generator failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load generator exited (${code})`)));
  });
  return {
    result,
    stop: async () => {
      await worker.terminate();
    },
  };
}

async function workerMain(): Promise<void> {
  const input = workerData as LoadThreadInput;
  const port = parentPort;
  if (!port) return;
  const client = new KeepAliveClient(input.baseUrl, input.plan.concurrency, input.requestTimeoutMs);
  try {
    const result = await runHeartbeatLoad(
      client,
      input.plan,
      (i) => ({ method: 'PUT', path: input.paths[i], headers: input.headers }),
      {
        onMeasureStart: () => port.postMessage({ kind: 'measure-start' }),
        onMeasureEnd: () => port.postMessage({ kind: 'measure-end' }),
      },
    );
    port.postMessage({ kind: 'result', result });
  } catch (error) {
    port.postMessage({ kind: 'failed', error: String((error as Error)?.stack ?? error) });
  } finally {
    client.close();
  }
}

if (!isMainThread) void workerMain();

import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/** Real spans and async context for unit tests, without the SDK, exporters or network. */
export function inMemoryTracing(): { tracer: Tracer; stop(): Promise<void> } {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider();
  return {
    tracer: provider.getTracer('test'),
    stop: async () => {
      await provider.shutdown();
      context.disable();
    },
  };
}

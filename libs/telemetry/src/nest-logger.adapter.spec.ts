import { createLogger } from './logger';
import { NestLoggerAdapter } from './nest-logger.adapter';
import { captureLogLines } from './testing/log-capture';

describe('NestLoggerAdapter', () => {
  it("writes Nest's log calls as structured lines with their context and stack", () => {
    const { stream, lines } = captureLogLines();
    const adapter = new NestLoggerAdapter(
      createLogger({ service: 'gateway', destination: stream }),
    );

    adapter.log('Mapped {/tenants, GET} route', 'RouterExplorer');
    adapter.error('boom', 'Error: boom\n    at x.ts:1', 'ExceptionHandler');
    adapter.warn({ tenant: 't-1', detail: 'slow' }, 'TenantsService');

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'gateway',
        context: 'RouterExplorer',
        msg: 'Mapped {/tenants, GET} route',
      }),
      expect.objectContaining({
        level: 'error',
        context: 'ExceptionHandler',
        msg: 'boom',
        stack: 'Error: boom\n    at x.ts:1',
      }),
      expect.objectContaining({
        level: 'warn',
        context: 'TenantsService',
        tenant: 't-1',
        detail: 'slow',
      }),
    ]);
  });
});

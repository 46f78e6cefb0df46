// Routes Nest's own log calls through the structured logger.
import type { LoggerService } from '@nestjs/common';
import type { Logger } from './logger';

type LogMethod = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

export class NestLoggerAdapter implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    // Nest calls error(message, stack?, context?).
    const [stack, ...rest] = optionalParams;
    if (typeof stack === 'string' && stack.includes('\n')) {
      this.write('error', message, rest, { stack });
    } else {
      this.write('error', message, optionalParams);
    }
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(
    method: LogMethod,
    message: unknown,
    params: unknown[],
    extra: Record<string, unknown> = {},
  ): void {
    // Nest passes its context (the class name) as the last string parameter.
    const last = params[params.length - 1];
    const fields: Record<string, unknown> = { ...extra };
    if (typeof last === 'string') fields['context'] = last;
    if (message instanceof Error) {
      this.logger[method]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[method]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[method](fields, String(message));
    }
  }
}

import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; one logger per service, child loggers per request carry the request id. */
export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service } });
}

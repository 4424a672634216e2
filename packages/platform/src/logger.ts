import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; one logger per service, child loggers per request carry the request id.
 * `destination` defaults to stdout; tests pass their own to read what an operator would see.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino({ name: service, level, base: { service } }, destination);
}

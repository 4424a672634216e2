import { GraphQLError } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import { StatementTimeoutError } from './db.ts';

// Node socket errors and Postgres states that mean "the database is not reachable or is restarting", not a bug.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED']);
const POSTGRES_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)/i;

/** Whether an error (or its cause) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, originalError } = error as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_STATES.has(code))) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(originalError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}

/** What a client sees while a subgraph's database is down: a code and a message an operator can act on. */
export function databaseUnavailable(service: string): GraphQLError {
  return new GraphQLError(
    `The ${service} database is unavailable; nothing was written. Try again shortly; if it persists, check the ${service} service's database (its /ready shows the state).`,
    {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: service },
    },
  );
}

/** Whether an error (or its cause) is a statement Postgres cancelled at DATABASE_STATEMENT_TIMEOUT_MS. */
export function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof StatementTimeoutError) return true;
  const { cause, originalError } = error as { cause?: unknown; originalError?: unknown };
  return isStatementTimeout(originalError, depth + 1) || isStatementTimeout(cause, depth + 1);
}

/** What a client sees when its request ran into the statement timeout. */
export function statementTimedOut(service: string): GraphQLError {
  return new GraphQLError(
    `The ${service} database stopped this request's query because it ran past the time limit; nothing was written. Ask for less (a shorter period, fewer items) or try again later; if it persists, tell the operator (the limit is DATABASE_STATEMENT_TIMEOUT_MS).`,
    { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: service } },
  );
}

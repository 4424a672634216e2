import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@cmcc/contracts';
import type { Logger } from './logger.ts';

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHORIZED_FIELD_OR_TYPE',
]);

function isKnown(code: unknown): boolean {
  return typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Errors the platform did not raise on purpose (SQL, bugs, paths) reach clients only as a code; `logErrors` logs them
 * in full. `explain` lets a service answer some of them with an error a client can act on instead (a subgraph whose
 * database cannot be reached answers SERVICE_UNAVAILABLE): it returns that error, or undefined to mask.
 */
export function maskInternalErrors(explain?: (error: unknown) => GraphQLError | undefined) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    if (isKnown(formatted.extensions?.code)) return formatted;
    const explained = explain?.(error);
    if (explained) return { ...explained.toJSON(), path: formatted.path, locations: formatted.locations };
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/** Logs every internal error of an operation in full, with the request id, so the masked response can be traced. */
export function logErrors(logger: Logger): ApolloServerPlugin<{ requestId?: string }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (isKnown(code)) logger.debug({ requestId: contextValue?.requestId, code, path: error.path }, 'operation error');
            else logger.error({ requestId: contextValue?.requestId, err: error.originalError ?? error, path: error.path }, 'internal error');
          }
        },
      };
    },
  };
}

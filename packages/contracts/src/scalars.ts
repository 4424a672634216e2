import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from './errors.ts';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

/** Parses an ISO 8601 date-time with an explicit offset; anything else is the caller's mistake. */
export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`DateTime must be an ISO 8601 date and time with a time zone, such as "2025-10-10T00:00:00Z"; got ${JSON.stringify(value)}`);
  }
  return new Date(value);
}

/** Parses a calendar date `YYYY-MM-DD` and rejects impossible dates such as 2025-02-30. */
export function parseDate(value: unknown): string {
  if (typeof value === 'string' && DATE.test(value)) {
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value) return value;
  }
  throw invalid(`Date must be a calendar date "YYYY-MM-DD", such as "2025-10-10"; got ${JSON.stringify(value)}`);
}

function literal(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : ast.kind;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, ISO 8601 in UTC, e.g. "2025-10-10T00:00:00Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literal(ast)),
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, ISO 8601 "YYYY-MM-DD".',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return parseDate(value);
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literal(ast)),
});

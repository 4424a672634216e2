export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 32;

export interface Redactor {
  /** Whether a key (variable, argument or input field name) holds a sensitive value. */
  isSensitive(key: string): boolean;
  /** A copy of `value` with the values of sensitive keys replaced by `[REDACTED]`, at any depth. */
  redact<T>(value: T): T;
}

/** Patterns are case-insensitive regular expressions matched anywhere in the key (`key` matches `idempotencyKey`). */
export function createRedactor(patterns: readonly string[]): Redactor {
  const expressions = patterns.map((pattern) => new RegExp(pattern, 'i'));
  const isSensitive = (key: string) => expressions.some((expression) => expression.test(key));
  const redact = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[TOO DEEP]';
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = isSensitive(key) ? REDACTED : redact(inner, depth + 1);
    return copy;
  };
  return { isSensitive, redact: <T>(value: T) => redact(value, 0) as T };
}

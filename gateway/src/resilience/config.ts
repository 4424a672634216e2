import type { Env } from '@cmcc/platform';

/** How the gateway treats a slow or failing subgraph (SUBGRAPH_TIMEOUT_MS, SUBGRAPH_RETRY_*, CIRCUIT_*). */
export interface ResilienceConfig {
  /** Timeout of one subgraph request, in milliseconds, unless the subgraph has its own. */
  readonly defaultTimeoutMs: number;
  /** Per-subgraph timeouts by subgraph name (from `SUBGRAPH_<NAME>_TIMEOUT_MS`). */
  readonly timeoutsMs: Readonly<Record<string, number>>;
  /** Retries of one failed subgraph query at most (mutations are never retried). */
  readonly retries: number;
  /** First backoff before a retry; doubles each attempt, with full jitter, up to `retryMaxDelayMs`. */
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Retries may be at most this share (percent) of the subgraph's requests in the last `retryBudgetWindowMs`. */
  readonly retryBudgetPercent: number;
  /** Retries always allowed per window, so a quiet gateway can still retry. */
  readonly retryBudgetMinPerWindow: number;
  readonly retryBudgetWindowMs: number;
  /** Consecutive failures (errors, timeouts, 5xx) that open a subgraph's circuit. */
  readonly circuitFailureThreshold: number;
  /** How long an open circuit refuses calls before one trial call (half-open). */
  readonly circuitOpenMs: number;
}

function wholeNumber(value: string | undefined, fallback: number, variable: string, problems: string[], { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    problems.push(`${variable} must be a whole number from ${min} to ${max}, got "${value}"`);
    return fallback;
  }
  return number;
}

/** `SUBGRAPH_SECURITY_TIMEOUT_MS=2000` → `{ security: 2000 }`. */
function perSubgraphTimeouts(env: Env, problems: string[]): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const [variable, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_TIMEOUT_MS$/.exec(variable);
    if (!match || !value) continue;
    timeouts[match[1].toLowerCase().replace(/_/g, '-')] = wholeNumber(value, 0, variable, problems, { min: 1 });
  }
  return timeouts;
}

export function parseResilienceConfig(env: Env, problems: string[]): ResilienceConfig {
  const retryBaseDelayMs = wholeNumber(env.SUBGRAPH_RETRY_BASE_DELAY_MS, 50, 'SUBGRAPH_RETRY_BASE_DELAY_MS', problems, { min: 1 });
  const retryMaxDelayMs = wholeNumber(env.SUBGRAPH_RETRY_MAX_DELAY_MS, 1000, 'SUBGRAPH_RETRY_MAX_DELAY_MS', problems, { min: 1 });
  if (retryMaxDelayMs < retryBaseDelayMs) problems.push('SUBGRAPH_RETRY_MAX_DELAY_MS must not be smaller than SUBGRAPH_RETRY_BASE_DELAY_MS');
  return Object.freeze({
    defaultTimeoutMs: wholeNumber(env.SUBGRAPH_TIMEOUT_MS, 10_000, 'SUBGRAPH_TIMEOUT_MS', problems, { min: 1 }),
    timeoutsMs: Object.freeze(perSubgraphTimeouts(env, problems)),
    retries: wholeNumber(env.SUBGRAPH_RETRIES, 2, 'SUBGRAPH_RETRIES', problems, { max: 10 }),
    retryBaseDelayMs,
    retryMaxDelayMs,
    retryBudgetPercent: wholeNumber(env.SUBGRAPH_RETRY_BUDGET_PERCENT, 10, 'SUBGRAPH_RETRY_BUDGET_PERCENT', problems, { max: 100 }),
    retryBudgetMinPerWindow: wholeNumber(env.SUBGRAPH_RETRY_BUDGET_MIN, 3, 'SUBGRAPH_RETRY_BUDGET_MIN', problems),
    retryBudgetWindowMs: 10_000,
    circuitFailureThreshold: wholeNumber(env.CIRCUIT_FAILURE_THRESHOLD, 5, 'CIRCUIT_FAILURE_THRESHOLD', problems, { min: 1 }),
    circuitOpenMs: wholeNumber(env.CIRCUIT_OPEN_MS, 10_000, 'CIRCUIT_OPEN_MS', problems, { min: 1 }),
  });
}

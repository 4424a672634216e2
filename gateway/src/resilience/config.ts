import { defineEnv, readEnv, readEnvFamily, wholeNumber, type Env } from '@cmcc/platform';

/** How the gateway treats a slow or failing subgraph (SUBGRAPH_TIMEOUT_MS, SUBGRAPH_RETRY_*, SUBGRAPH_CIRCUIT_*). */
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

const RESILIENCE = ['gateway'];

/** The gateway's variables for slow or failing subgraphs. */
export const RESILIENCE_ENV = defineEnv({
  SUBGRAPH_TIMEOUT_MS: { description: 'timeout of one attempt of a subgraph request', components: RESILIENCE, default: '10000', ...wholeNumber({ min: 1 }) },
  'SUBGRAPH_<NAME>_TIMEOUT_MS': {
    description: 'timeout for one subgraph, e.g. `SUBGRAPH_SECURITY_TIMEOUT_MS=3000`',
    components: RESILIENCE,
    defaultText: '`SUBGRAPH_TIMEOUT_MS`',
    pattern: /^SUBGRAPH_([A-Z0-9_]+)_TIMEOUT_MS$/,
    ...wholeNumber({ min: 1 }),
  },
  SUBGRAPH_RETRIES: {
    description: 'retries of a failed subgraph query (timeout, connection error, 5xx); mutations are never retried',
    components: RESILIENCE,
    default: '2',
    ...wholeNumber({ max: 10 }),
  },
  SUBGRAPH_RETRY_BASE_DELAY_MS: {
    description: 'backoff before retry n: a random delay up to min(max, base × 2ⁿ) (full jitter); this is base',
    components: RESILIENCE,
    default: '50',
    ...wholeNumber({ min: 1 }),
  },
  SUBGRAPH_RETRY_MAX_DELAY_MS: { description: 'the max of that backoff', components: RESILIENCE, default: '1000', ...wholeNumber({ min: 1 }) },
  SUBGRAPH_RETRY_BUDGET_PERCENT: {
    description: 'per subgraph, retries in the last 10 s are at most this percent of its requests (but always `SUBGRAPH_RETRY_BUDGET_MIN`)',
    components: RESILIENCE,
    default: '10',
    ...wholeNumber({ max: 100 }),
  },
  SUBGRAPH_RETRY_BUDGET_MIN: { description: 'retries always allowed per subgraph in 10 s', components: RESILIENCE, default: '3', ...wholeNumber() },
  SUBGRAPH_CIRCUIT_FAILURE_THRESHOLD: {
    description: "consecutive failed attempts that open a subgraph's circuit",
    components: RESILIENCE,
    default: '5',
    formerNames: ['CIRCUIT_FAILURE_THRESHOLD'],
    ...wholeNumber({ min: 1 }),
  },
  SUBGRAPH_CIRCUIT_OPEN_MS: {
    description: 'how long an open circuit refuses calls before one trial call',
    components: RESILIENCE,
    default: '10000',
    formerNames: ['CIRCUIT_OPEN_MS'],
    ...wholeNumber({ min: 1 }),
  },
});

export function parseResilienceConfig(env: Env, problems: string[]): ResilienceConfig {
  const values = readEnv(env, RESILIENCE_ENV, problems);
  if (values.SUBGRAPH_RETRY_MAX_DELAY_MS < values.SUBGRAPH_RETRY_BASE_DELAY_MS) problems.push('SUBGRAPH_RETRY_MAX_DELAY_MS must not be smaller than SUBGRAPH_RETRY_BASE_DELAY_MS');
  return Object.freeze({
    defaultTimeoutMs: values.SUBGRAPH_TIMEOUT_MS,
    timeoutsMs: Object.freeze(readEnvFamily(env, RESILIENCE_ENV['SUBGRAPH_<NAME>_TIMEOUT_MS'], problems)),
    retries: values.SUBGRAPH_RETRIES,
    retryBaseDelayMs: values.SUBGRAPH_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: values.SUBGRAPH_RETRY_MAX_DELAY_MS,
    retryBudgetPercent: values.SUBGRAPH_RETRY_BUDGET_PERCENT,
    retryBudgetMinPerWindow: values.SUBGRAPH_RETRY_BUDGET_MIN,
    retryBudgetWindowMs: 10_000,
    circuitFailureThreshold: values.SUBGRAPH_CIRCUIT_FAILURE_THRESHOLD,
    circuitOpenMs: values.SUBGRAPH_CIRCUIT_OPEN_MS,
  });
}

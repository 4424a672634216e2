import { GraphQLError } from 'graphql';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { ErrorCode } from '@cmcc/contracts';
import type { CircuitBreaker } from './breaker.ts';
import type { RetryBudget } from './retry-budget.ts';
import { isQueryRequest } from '../transport/operation-kind.ts';

/** What happened to one attempt, for metrics. */
export type AttemptOutcome = 'ok' | 'error' | 'timeout' | 'http_5xx' | 'circuit_open';

export interface ResilientFetcherOptions {
  /**
   * Makes the request for a retry from the one that failed: the gateway signs a fresh single-use principal token, since
   * the subgraph refuses a token it has already seen (the timed-out attempt may have reached it).
   */
  beforeRetry?: (init: Parameters<Fetcher>[1]) => Promise<Parameters<Fetcher>[1]>;
  subgraph: string;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  breaker: CircuitBreaker;
  budget: RetryBudget;
  /** Told of every attempt, with its duration in seconds. */
  onAttempt?: (outcome: AttemptOutcome, seconds: number) => void;
  onRetry?: () => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The error a client sees for a subgraph that failed: its fields are null, the rest of the response is served.
 * @apollo/gateway names the subgraph (`serviceName`) only for errors a subgraph returned; an error thrown by the
 * Fetcher reaches the response as a plain error, which the gateway's masking would turn into INTERNAL_SERVER_ERROR.
 */
export function downstreamError(subgraph: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.DOWNSTREAM_SERVICE_ERROR, serviceName: subgraph, ...extra } });
}

class AttemptFailure extends Error {
  constructor(
    readonly outcome: AttemptOutcome,
    message: string,
  ) {
    super(message);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps any Fetcher (plain fetch, or a pooled one) for one subgraph: a timeout per attempt, a circuit breaker, and
 * retries with exponential backoff and full jitter, within a retry budget, for queries only. A failure reaches the
 * gateway as a GraphQLError `DOWNSTREAM_SERVICE_ERROR` naming the subgraph, so only that subgraph's fields are lost.
 */
export function resilientFetcher(inner: Fetcher, options: ResilientFetcherOptions): Fetcher {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const { subgraph, breaker, budget } = options;

  async function attempt(url: string, init: Parameters<Fetcher>[1]): Promise<FetcherResponse> {
    if (!breaker.tryAcquire()) {
      options.onAttempt?.('circuit_open', 0);
      throw new AttemptFailure('circuit_open', `circuit open: ${subgraph} failed repeatedly; calls resume in ${Math.ceil(breaker.retryAfterMs / 1000)} s`);
    }
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal as AbortSignal, timeout]) : timeout;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let response: FetcherResponse;
    try {
      response = await inner(url, { ...init, signal });
    } catch (error) {
      breaker.recordFailure();
      const timedOut = timeout.aborted;
      options.onAttempt?.(timedOut ? 'timeout' : 'error', seconds());
      throw new AttemptFailure(
        timedOut ? 'timeout' : 'error',
        timedOut ? `no answer within ${options.timeoutMs} ms` : `unreachable (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (response.status >= 500) {
      breaker.recordFailure();
      options.onAttempt?.('http_5xx', seconds());
      // The body is read so the connection can be reused; its contents stay out of the client's error.
      await response.text().catch(() => undefined);
      throw new AttemptFailure('http_5xx', `answered HTTP ${response.status}`);
    }
    breaker.recordSuccess();
    options.onAttempt?.('ok', seconds());
    return response;
  }

  return async (url, init) => {
    // A mutation is never retried: when an attempt fails or times out the subgraph may still have written it, and a
    // second attempt would write it twice. Only the client can decide to resend (with its idempotency key).
    const retryable = options.retries > 0 && isQueryRequest(init?.body);
    budget.recordRequest();
    let request = init;
    for (let retry = 0; ; retry++) {
      try {
        if (retry > 0 && options.beforeRetry) request = await options.beforeRetry(request);
        return await attempt(url, request);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        const canRetry = retryable && retry < options.retries && error.outcome !== 'circuit_open' && !(init?.signal as AbortSignal | undefined)?.aborted && budget.tryRetry();
        if (!canRetry) {
          throw downstreamError(subgraph, `The ${subgraph} service is unavailable: ${error.message}. Its fields are missing from this response; the rest was served.`, {
            reason: error.outcome,
            attempts: retry + 1,
          });
        }
        options.onRetry?.();
        const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** retry);
        await sleep(Math.floor(random() * ceiling));
      }
    }
  };
}

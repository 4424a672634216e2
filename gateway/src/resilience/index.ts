import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '@cmcc/platform';
import { CircuitBreaker, type CircuitState } from './breaker.ts';
import type { ResilienceConfig } from './config.ts';
import { resilientFetcher, type AttemptOutcome, type ResilientFetcherOptions } from './fetcher.ts';
import { RetryBudget } from './retry-budget.ts';

export { CircuitBreaker, type CircuitState } from './breaker.ts';
export { RetryBudget } from './retry-budget.ts';
export { resilientFetcher, downstreamError, type AttemptOutcome } from './fetcher.ts';
export { parseResilienceConfig, type ResilienceConfig } from './config.ts';

/** Observers of the subgraph calls (the metrics module implements it). */
export interface ResilienceObserver {
  attempt(subgraph: string, outcome: AttemptOutcome, seconds: number): void;
  retry(subgraph: string): void;
  circuit(subgraph: string, state: CircuitState): void;
}

export interface SubgraphCircuit {
  readonly subgraph: string;
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  readonly timeoutMs: number;
}

/** One breaker and one retry budget per subgraph, kept across supergraph reloads, and the wrapper that applies them. */
export class Resilience {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly observers: ResilienceObserver[] = [];

  constructor(
    private readonly config: ResilienceConfig,
    private readonly logger: Logger,
  ) {}

  observe(observer: ResilienceObserver): void {
    this.observers.push(observer);
    for (const [subgraph, breaker] of this.breakers) observer.circuit(subgraph, breaker.state);
  }

  timeoutOf(subgraph: string): number {
    return this.config.timeoutsMs[subgraph] ?? this.config.defaultTimeoutMs;
  }

  breaker(subgraph: string): CircuitBreaker {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker({
        failureThreshold: this.config.circuitFailureThreshold,
        openMs: this.config.circuitOpenMs,
        onStateChange: (state, previous) => {
          const log = state === 'open' ? 'warn' : 'info';
          this.logger[log]({ subgraph, state, previous }, `circuit of subgraph ${subgraph} is ${state}`);
          for (const observer of this.observers) observer.circuit(subgraph, state);
        },
      });
      this.breakers.set(subgraph, breaker);
      for (const observer of this.observers) observer.circuit(subgraph, breaker.state);
    }
    return breaker;
  }

  /** Wraps the Fetcher that calls `subgraph`; `beforeRetry` makes each retry's request (a fresh principal token). */
  wrap(subgraph: string, inner: Fetcher, beforeRetry?: ResilientFetcherOptions['beforeRetry']): Fetcher {
    let budget = this.budgets.get(subgraph);
    if (!budget) {
      budget = new RetryBudget({ percent: this.config.retryBudgetPercent, minPerWindow: this.config.retryBudgetMinPerWindow, windowMs: this.config.retryBudgetWindowMs });
      this.budgets.set(subgraph, budget);
    }
    return resilientFetcher(inner, {
      subgraph,
      beforeRetry,
      timeoutMs: this.timeoutOf(subgraph),
      retries: this.config.retries,
      retryBaseDelayMs: this.config.retryBaseDelayMs,
      retryMaxDelayMs: this.config.retryMaxDelayMs,
      breaker: this.breaker(subgraph),
      budget,
      onAttempt: (outcome, seconds) => this.observers.forEach((observer) => observer.attempt(subgraph, outcome, seconds)),
      onRetry: () => this.observers.forEach((observer) => observer.retry(subgraph)),
    });
  }

  /** Every subgraph's circuit, for /ready. */
  get circuits(): SubgraphCircuit[] {
    return [...this.breakers].map(([subgraph, breaker]) => ({
      subgraph,
      state: breaker.state,
      consecutiveFailures: breaker.consecutiveFailures,
      timeoutMs: this.timeoutOf(subgraph),
    }));
  }
}

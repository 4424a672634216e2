import { describe, expect, it } from 'vitest';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { CircuitBreaker, type CircuitState } from '../src/resilience/breaker.ts';
import { RetryBudget } from '../src/resilience/retry-budget.ts';
import { resilientFetcher } from '../src/resilience/fetcher.ts';
import { isQueryRequest } from '../src/transport/operation-kind.ts';
import { parseResilienceConfig } from '../src/resilience/config.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures, refuses calls, lets one trial through after the open period, and closes on its success', () => {
    const time = clock();
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 5000, now: time.now, onStateChange: (state) => changes.push(state) });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the half-open trial fails', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, now: time.now });
    breaker.recordFailure();
    time.advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });
});

describe('retry budget', () => {
  it('allows the minimum per window, then at most the configured share of recent requests, and refills as the window moves on', () => {
    const time = clock();
    const budget = new RetryBudget({ percent: 10, minPerWindow: 2, windowMs: 10_000, now: time.now });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 50; i++) budget.recordRequest();
    // 10 % of 50 requests = 5 retries in the window, 2 already taken.
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
    time.advance(11_000);
    expect(budget.tryRetry()).toBe(true);
  });
});

describe('which subgraph requests are queries', () => {
  it('tells queries from mutations, by the named operation when there are several, and treats unreadable bodies as not retryable', () => {
    expect(isQueryRequest(JSON.stringify({ query: '{ areas { pcode } }' }))).toBe(true);
    expect(isQueryRequest(JSON.stringify({ query: 'mutation { reportIncident(input: {}) { id } }' }))).toBe(false);
    expect(isQueryRequest(JSON.stringify({ query: 'query A { a } mutation B { b }', operationName: 'B' }))).toBe(false);
    expect(isQueryRequest(JSON.stringify({ query: 'query A { a } mutation B { b }', operationName: 'A' }))).toBe(true);
    expect(isQueryRequest('not json')).toBe(false);
    expect(isQueryRequest(JSON.stringify({ query: '{ broken' }))).toBe(false);
    expect(isQueryRequest(undefined)).toBe(false);
  });
});

function response(status: number): FetcherResponse {
  return new Response('{"data":{}}', { status, headers: { 'content-type': 'application/json' } }) as unknown as FetcherResponse;
}

function harness(results: (number | Error)[], options: { retries?: number; threshold?: number } = {}) {
  const calls: string[] = [];
  const delays: number[] = [];
  const inner: Fetcher = async (_url, init) => {
    calls.push(String(init?.body));
    const next = results.shift() ?? 200;
    if (next instanceof Error) throw next;
    return response(next);
  };
  const breaker = new CircuitBreaker({ failureThreshold: options.threshold ?? 100, openMs: 60_000 });
  const budget = new RetryBudget({ percent: 100, minPerWindow: 100, windowMs: 10_000 });
  const fetcher = resilientFetcher(inner, {
    subgraph: 'security',
    timeoutMs: 1000,
    retries: options.retries ?? 2,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 250,
    breaker,
    budget,
    random: () => 0.999,
    sleep: async (ms) => void delays.push(ms),
  });
  return { fetcher, calls, delays, breaker };
}

const QUERY = JSON.stringify({ query: '{ incidents { id } }' });
const MUTATION = JSON.stringify({ query: 'mutation { reportIncident(input: {}) { id } }' });

describe('resilient fetcher', () => {
  it('retries a failed query with exponential backoff and jitter, capped, and returns the answer that succeeds', async () => {
    const { fetcher, calls, delays } = harness([503, new Error('ECONNRESET')]);
    const answer = await fetcher('http://security/graphql', { method: 'POST', body: QUERY });
    expect(answer.status).toBe(200);
    expect(calls).toHaveLength(3);
    // full jitter: random × min(max, base × 2^retry); random is 0.999 here
    expect(delays).toEqual([99, 199]);
  });

  it('never retries a mutation: one attempt, then an error naming the subgraph', async () => {
    const { fetcher, calls } = harness([503, 503, 503]);
    const failure = await fetcher('http://security/graphql', { method: 'POST', body: MUTATION }).catch((error: unknown) => error);
    expect(calls).toHaveLength(1);
    expect(failure).toBeInstanceOf(GraphQLError);
    expect((failure as GraphQLError).extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security', reason: 'http_5xx', attempts: 1 });
  });

  it('gives up after the configured retries and does not retry once the budget is spent', async () => {
    const { fetcher, calls } = harness([503, 503, 503, 503], { retries: 2 });
    const failure = (await fetcher('http://security/graphql', { body: QUERY }).catch((error: unknown) => error)) as GraphQLError;
    expect(calls).toHaveLength(3);
    expect(failure.extensions).toMatchObject({ attempts: 3 });

    const spent = new RetryBudget({ percent: 0, minPerWindow: 0, windowMs: 10_000 });
    let attempts = 0;
    const noBudget = resilientFetcher(async () => (attempts++, response(503)), {
      subgraph: 'security',
      timeoutMs: 1000,
      retries: 5,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 1,
      breaker: new CircuitBreaker({ failureThreshold: 100, openMs: 1000 }),
      budget: spent,
      sleep: async () => undefined,
    });
    await noBudget('http://security/graphql', { body: QUERY }).catch(() => undefined);
    expect(attempts).toBe(1);
  });

  it('passes 4xx answers on untouched (they are the subgraph speaking, not failing)', async () => {
    const { fetcher, calls, breaker } = harness([401]);
    expect((await fetcher('http://security/graphql', { body: QUERY })).status).toBe(401);
    expect(calls).toHaveLength(1);
    expect(breaker.consecutiveFailures).toBe(0);
  });

  it('times an attempt out and names the timeout', async () => {
    const hanging: Fetcher = (_url, init) => new Promise((_resolve, reject) => (init?.signal as AbortSignal).addEventListener('abort', () => reject(new Error('aborted'))));
    const fetcher = resilientFetcher(hanging, {
      subgraph: 'engineering',
      timeoutMs: 20,
      retries: 0,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 1,
      breaker: new CircuitBreaker({ failureThreshold: 100, openMs: 1000 }),
      budget: new RetryBudget({ percent: 10, minPerWindow: 1, windowMs: 1000 }),
    });
    const failure = (await fetcher('http://engineering/graphql', { body: QUERY }).catch((error: unknown) => error)) as GraphQLError;
    expect(failure.extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'engineering', reason: 'timeout' });
    expect(failure.message).toContain('no answer within 20 ms');
  });

  it('sends every retry with the request beforeRetry makes (a fresh principal token), never the first one again', async () => {
    const tokens: string[] = [];
    let calls = 0;
    // The first attempt reaches the subgraph and hangs until it times out; the retry answers.
    const slowThenFine: Fetcher = (_url, init) => {
      tokens.push((init?.headers as Record<string, string>)['x-cmcc-principal']);
      if (calls++ === 0) return new Promise((_resolve, reject) => (init?.signal as AbortSignal).addEventListener('abort', () => reject(new Error('aborted'))));
      return Promise.resolve(response(200));
    };
    let fresh = 0;
    const fetcher = resilientFetcher(slowThenFine, {
      subgraph: 'security',
      timeoutMs: 20,
      retries: 2,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 1,
      breaker: new CircuitBreaker({ failureThreshold: 100, openMs: 1000 }),
      budget: new RetryBudget({ percent: 100, minPerWindow: 10, windowMs: 1000 }),
      sleep: async () => undefined,
      beforeRetry: async (init) => ({ ...init, headers: { ...(init?.headers as Record<string, string>), 'x-cmcc-principal': `fresh-${++fresh}` } }),
    });
    const answer = await fetcher('http://security/graphql', { body: QUERY, headers: { 'x-cmcc-principal': 'first' } });
    expect(answer.status).toBe(200);
    expect(tokens).toEqual(['first', 'fresh-1']);
  });

  it('refuses at once while the circuit is open, without calling the subgraph', async () => {
    const { fetcher, calls } = harness([503, 503], { retries: 0, threshold: 2 });
    await fetcher('u', { body: QUERY }).catch(() => undefined);
    await fetcher('u', { body: QUERY }).catch(() => undefined);
    const failure = (await fetcher('u', { body: QUERY }).catch((error: unknown) => error)) as GraphQLError;
    expect(calls).toHaveLength(2);
    expect(failure.extensions).toMatchObject({ reason: 'circuit_open', serviceName: 'security' });
  });
});

describe('resilience configuration', () => {
  it('reads per-subgraph timeouts and reports every bad value together', () => {
    const problems: string[] = [];
    const config = parseResilienceConfig({ SUBGRAPH_TIMEOUT_MS: '3000', SUBGRAPH_CIVIL_ADMINISTRATION_TIMEOUT_MS: '800' }, problems);
    expect(problems).toEqual([]);
    expect(config.defaultTimeoutMs).toBe(3000);
    expect(config.timeoutsMs).toEqual({ 'civil-administration': 800 });
    parseResilienceConfig({ SUBGRAPH_RETRIES: 'many', SUBGRAPH_CIRCUIT_OPEN_MS: '0', SUBGRAPH_SECURITY_TIMEOUT_MS: '-1' }, problems);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/SUBGRAPH_RETRIES.*SUBGRAPH_CIRCUIT_OPEN_MS|SUBGRAPH_CIRCUIT_OPEN_MS.*SUBGRAPH_RETRIES/s);
  });
});

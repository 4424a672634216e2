import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { createLogger } from '@cmcc/platform';
import { startFaultyProxy, type FaultyProxy } from '@cmcc/test-support/faulty-proxy';
import { ANALYST_CLAIMS, loadDefinition, startStack, type TestStack } from '@cmcc/test-support/stack';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';

/**
 * A subgraph that is slow, failing or gone, through the real gateway: the security and humanitarian subgraphs sit
 * behind proxies the tests make misbehave. The humanitarian one behind the proxy is an extra instance whose log lines
 * the tests read.
 */

const METRICS_TOKEN = 'metrics-token-for-the-fault-tests';
let stack: TestStack;
let security: FaultyProxy;
let humanitarianProxy: FaultyProxy;
const subgraphLogs: string[] = [];
let humanitarian: TestSubgraph;

beforeAll(async () => {
  security = await startFaultyProxy();
  humanitarianProxy = await startFaultyProxy();
  const logger = createLogger('humanitarian', 'debug', { write: (line: string) => void subgraphLogs.push(line) });
  humanitarian = await startTestSubgraph(await loadDefinition('humanitarian'), { logger });
  humanitarianProxy.target = humanitarian.url;
  stack = await startStack({
    env: {
      SUBGRAPH_SECURITY_URL: `${security.url}/graphql`,
      SUBGRAPH_HUMANITARIAN_URL: `${humanitarianProxy.url}/graphql`,
      // Short enough to test a timeout quickly, long enough for a warm security subgraph on a busy CI machine.
      SUBGRAPH_SECURITY_TIMEOUT_MS: '1000',
      SUBGRAPH_RETRIES: '2',
      SUBGRAPH_RETRY_BASE_DELAY_MS: '1',
      SUBGRAPH_RETRY_MAX_DELAY_MS: '5',
      SUBGRAPH_CIRCUIT_FAILURE_THRESHOLD: '5',
      SUBGRAPH_CIRCUIT_OPEN_MS: '600000',
      METRICS_TOKEN,
    },
  });
  security.target = stack.subgraphs.security.url;
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await humanitarian?.close();
  await security?.close();
  await humanitarianProxy?.close();
});

const EDITOR = { ...ANALYST_CLAIMS, sub: 'hum-editor', scope: 'read:* write:humanitarian', wg: ['humanitarian'] };
const SPREAD = `{ areas(level: GOVERNORATE) { pcode } crossings { id } incident(id: "INC-CENTCOM-20251031") { id } }`;
const RECORD = `mutation Record($input: RecordCrossingReportInput!, $key: String) {
  recordCrossingReport(input: $input, idempotencyKey: $key) { crossingDailyReport { id } userErrors { code message } }
}`;
const REPORT = {
  crossingId: 'KEREM_SHALOM',
  date: '2026-01-15',
  source: 'UN2720',
  open: true,
  trucksOffloaded: 10,
  trucksCollected: 9,
  tonnes: 120,
  fuelLitres: 0,
  marking: { classification: 'UNCLASSIFIED', releasableTo: ['CMCC'], tlp: 'GREEN', originator: 'CMCC' },
};
const isMutation = (body: string) => body.includes('recordCrossingReport');

async function metricsText(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('a slow subgraph', () => {
  it('costs only its own fields: the others are served, and an error names the subgraph that timed out', async () => {
    const healthy = await stack.query(SPREAD);
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data.incident).toEqual({ id: 'INC-CENTCOM-20251031' });

    security.mode = { kind: 'delay', ms: 2500 };
    // Slower than security's 1000 ms, but humanitarian keeps the default timeout: its crossings are still served.
    humanitarianProxy.mode = { kind: 'delay', ms: 400 };
    const before = security.bodies.length;
    try {
      const { status, data, errors } = await stack.query(SPREAD);
      expect(status).toBe(200);
      expect(data.areas).toHaveLength(5);
      expect(data.crossings.length).toBeGreaterThan(0);
      expect(data.incident).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors![0].extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security', reason: 'timeout', attempts: 3 });
      expect(errors![0].message).toMatch(/security.*no answer within 1000 ms/);
      expect(security.bodies.length - before).toBe(3);
    } finally {
      security.mode = { kind: 'pass' };
      humanitarianProxy.mode = { kind: 'pass' };
    }
  });
});

describe('a failing subgraph', () => {
  it('has a query retried (first attempt and two retries), but a mutation sent once only', async () => {
    humanitarianProxy.mode = { kind: 'fail', status: 503 };
    const start = humanitarianProxy.bodies.length;
    try {
      const query = await stack.query('{ areas(level: GOVERNORATE) { pcode } organization(id: "XM-DAC-41140") { id } }');
      expect(query.data.areas).toHaveLength(5);
      expect(query.data.organization).toBeNull();
      expect(query.errors![0].extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'humanitarian', reason: 'http_5xx' });
      expect(humanitarianProxy.bodies.length - start).toBe(3);

      const mutationStart = humanitarianProxy.bodies.length;
      const mutation = await stack.query(RECORD, { input: REPORT, key: 'fault-test-1' }, EDITOR);
      expect(mutation.errors![0].extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'humanitarian', attempts: 1 });
      const sent = humanitarianProxy.bodies.slice(mutationStart);
      expect(sent).toHaveLength(1);
      expect(isMutation(sent[0])).toBe(true);
    } finally {
      humanitarianProxy.mode = { kind: 'pass' };
    }
    // The client resends with its idempotency key once the subgraph is back: written once.
    const again = await stack.query(RECORD, { input: REPORT, key: 'fault-test-1' }, EDITOR);
    expect(again.errors).toBeUndefined();
    expect(again.data.recordCrossingReport.crossingDailyReport.id).toBe('CDR-KEREM_SHALOM-2026-01-15-UN2720');
  });

  it('keeps the masked response free of the subgraph body and internals', async () => {
    humanitarianProxy.mode = { kind: 'fail', status: 500 };
    try {
      const response = await stack.query('{ crossings { id } }');
      expect(JSON.stringify(response)).not.toContain('injected by the test');
      expect(response.errors![0].extensions?.serviceName).toBe('humanitarian');
    } finally {
      humanitarianProxy.mode = { kind: 'pass' };
    }
  });
});

describe('a subgraph whose database is down', () => {
  it("reaches the client as SERVICE_UNAVAILABLE naming the subgraph (not a masked internal error), beside the other subgraphs' data", async () => {
    const stop = humanitarian.db.onQuery(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    });
    try {
      const response = await stack.query('{ areas(level: GOVERNORATE) { pcode } organization(id: "XM-DAC-41140") { id } }');
      expect(response.data.areas).toHaveLength(5);
      expect(response.data.organization).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'humanitarian' });
      expect(response.errors![0].message).toMatch(/humanitarian database is unavailable/);
      expect(JSON.stringify(response)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|5432/);
    } finally {
      stop();
    }
  });
});

describe('request ids and metrics', () => {
  it('carries the request id into every log line the gateway and the subgraph write for the request', async () => {
    const claimed = `fault-test-${Date.now()}`;
    const logsBefore = subgraphLogs.length;
    const response = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': claimed, authorization: `Bearer ${await stack.token(ANALYST_CLAIMS)}` },
      // An unknown organisation is an error inside the subgraph, logged at debug with its request id.
      body: JSON.stringify({ query: '{ crossings { id } organization(id: "NO-SUCH-ORG") { id } }' }),
    });
    // The gateway's own id, not the client's (which the audit event keeps only as claimed).
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(requestId).not.toBe(claimed);
    await response.json();
    // The subgraph logs its request line when its response has been sent: wait for it rather than for a fixed time.
    await vi.waitFor(() =>
      expect(
        subgraphLogs
          .slice(logsBefore)
          .map((line) => JSON.parse(line))
          .filter((line) => line.msg === 'request'),
      ).not.toHaveLength(0),
    );
    const lines = subgraphLogs.slice(logsBefore).map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.requestId).toBe(requestId);
    const gatewayLines = stack.logs.map((line) => JSON.parse(line)).filter((line) => line.requestId === requestId);
    expect(gatewayLines.find((line) => line.msg === 'request')).toMatchObject({ path: '/graphql', status: 200, service: 'gateway' });
  });

  it('serves /metrics only with the token, with operations by known name (others as "other"), subgraph latency, audit depth and event-loop lag', async () => {
    expect((await fetch(`${stack.gatewayUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${stack.gatewayUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token-xx' } })).status).toBe(401);
    await stack.query('query SituationByGovernorate { areas(level: GOVERNORATE) { pcode } }');
    await stack.query('query SomethingNobodySaved { areas(level: GOVERNORATE) { pcode } }');
    await stack.query('{ nope }');
    const text = await metricsText(stack.gatewayUrl);
    expect(sample(text, 'cmcc_graphql_operations_total', { operation: 'SituationByGovernorate', type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cmcc_graphql_operations_total', { operation: 'other', type: 'query' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('SomethingNobodySaved');
    expect(sample(text, 'cmcc_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cmcc_subgraph_request_duration_seconds_count', { subgraph: 'civil-administration' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cmcc_subgraph_requests_total', { subgraph: 'security', outcome: 'timeout' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'cmcc_subgraph_retries_total', { subgraph: 'humanitarian' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'cmcc_audit_buffer_depth', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'cmcc_audit_buffer_capacity', {})).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(sample(text, 'cmcc_http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(1);
    // No credential or record content in the labels.
    expect(text).not.toMatch(/Bearer|eyJ|KEREM_SHALOM|us-analyst/);

    // The subgraph counts the gateway's planned operation under the client's operation name.
    const subgraphText = await (await fetch(`${stack.subgraphs['civil-administration'].url}/metrics`)).text();
    expect(sample(subgraphText, 'cmcc_graphql_operations_total', { operation: 'SituationByGovernorate', service: 'civil-administration' })).toBeGreaterThanOrEqual(1);
  });
});

describe('a subgraph that is down', () => {
  it('costs the dashboard only its own fields: SituationByGovernorate keeps population, aid and facilities, with incidents null and an error naming security', async () => {
    const query = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
    const variables = { since: '2025-01-01T00:00:00Z' };
    // Security answers within this file's 1000 ms only once warm: the first dashboard query on a loaded machine may time out.
    let healthy = await stack.query(query, variables);
    await vi.waitFor(
      async () => {
        if (healthy.errors) healthy = await stack.query(query, variables);
        expect(healthy.errors).toBeUndefined();
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(healthy.data.areas.every((area: { incidents: unknown }) => Array.isArray(area.incidents))).toBe(true);

    security.mode = { kind: 'reset' };
    try {
      const { status, data, errors } = await stack.query(query, variables);
      expect(status).toBe(200);
      expect(data).not.toBeNull();
      expect(data.areas).toHaveLength(5);
      for (const [index, area] of (data.areas as Record<string, unknown>[]).entries()) {
        const before = healthy.data.areas[index];
        expect(area.incidents).toBeNull();
        expect({ ...area, incidents: null }).toEqual({ ...before, incidents: null });
      }
      expect(healthy.data.areas.some((area: { facilities: unknown[] }) => area.facilities.length > 0)).toBe(true);
      expect(errors!.length).toBeGreaterThan(0);
      for (const error of errors!) expect(error.extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'security' });
    } finally {
      security.mode = { kind: 'pass' };
    }
  });
});

describe('the circuit breaker', () => {
  it('opens after repeated failures, then refuses at once without calling the subgraph, visible on /ready and /metrics', async () => {
    humanitarianProxy.mode = { kind: 'reset' };
    try {
      // Up to 3 attempts per query (fewer once the retry budget is spent), until 5 failures in a row open the circuit.
      const circuit = () => stack.gateway.resilience.circuits.find((c) => c.subgraph === 'humanitarian')?.state;
      for (let i = 0; i < 5 && circuit() !== 'open'; i++) await stack.query('{ crossings { id } }');
      expect(circuit()).toBe('open');
      const sent = humanitarianProxy.bodies.length;
      const refused = await stack.query('{ areas(level: GOVERNORATE) { pcode } organization(id: "XM-DAC-41140") { id } }');
      expect(refused.data.areas).toHaveLength(5);
      expect(refused.errors![0].extensions).toMatchObject({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'humanitarian', reason: 'circuit_open' });
      expect(refused.errors![0].message).toMatch(/circuit open: humanitarian/);
      expect(humanitarianProxy.bodies.length).toBe(sent);

      const ready = await fetch(`${stack.gatewayUrl}/ready`);
      const body = await ready.json();
      expect(ready.status).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.circuits).toContainEqual(expect.objectContaining({ subgraph: 'humanitarian', state: 'open' }));
      expect(body.circuits).toContainEqual(expect.objectContaining({ subgraph: 'civil-administration', state: 'closed' }));
      const text = await metricsText(stack.gatewayUrl);
      expect(sample(text, 'cmcc_circuit_state', { subgraph: 'humanitarian', state: 'open' })).toBe(1);
      expect(sample(text, 'cmcc_circuit_state', { subgraph: 'humanitarian', state: 'closed' })).toBe(0);
      expect(stack.logs.some((line) => line.includes('circuit of subgraph humanitarian is open'))).toBe(true);
    } finally {
      humanitarianProxy.mode = { kind: 'pass' };
    }
  });
});

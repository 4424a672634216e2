import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as poll } from '@cmcc/test-support/eventually';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { ANALYST_CLAIMS, startStack, writeSupergraph, type TestStack } from '@cmcc/test-support/stack';

const SITUATION = fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', 'SituationByGovernorate.graphql'), 'utf8');
const SINCE = { since: '2025-10-10T00:00:00Z' };

let stack: TestStack;
const query = (text: string, variables?: Record<string, unknown>) => stack.query(text, variables);

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const eventually = <T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 10_000) => poll(probe, accept, timeoutMs, 100);

describe('the canonical dashboard query', () => {
  it('returns population, aid deliveries, incidents and facilities per governorate from all four subgraphs', async () => {
    const { status, data, errors } = await query(SITUATION, SINCE);
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data.areas.map((a: { pcode: string }) => a.pcode)).toEqual(['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275']);
    const all = data.areas as any[];
    expect(all.every((area) => area.populationEstimates.length > 0)).toBe(true); // civil-administration
    expect(all.some((area) => area.aidDeliveries.bySource.length > 0)).toBe(true); // humanitarian
    expect(all.some((area) => area.incidents.length > 0)).toBe(true); // security
    expect(all.every((area) => area.facilities.length > 0)).toBe(true); // engineering
  });

  it('costs each subgraph one SQL statement per relation, not one per governorate', async () => {
    const counts: Record<string, string[]> = {};
    const stops = Object.entries(stack.subgraphs).map(([name, subgraph]) => {
      counts[name] = [];
      return subgraph.db.onQuery((sql) => counts[name].push(sql));
    });
    try {
      const { errors } = await query(SITUATION, SINCE);
      expect(errors).toBeUndefined();
    } finally {
      stops.forEach((stop) => stop());
    }
    // civil-administration: the governorates, then their population; each other subgraph: its one Area relation.
    expect(counts['civil-administration']).toHaveLength(2);
    expect(counts.humanitarian).toHaveLength(1);
    expect(counts.security).toHaveLength(1);
    expect(counts.engineering).toHaveLength(1);
  });
});

describe('input errors through the gateway', () => {
  it('answers a malformed date with BAD_USER_INPUT', async () => {
    const { errors } = await query(SITUATION, { since: 'yesterday' });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toContain('ISO 8601');
  });

  it('answers an unknown P-code with NOT_FOUND and a negative page size with BAD_USER_INPUT', async () => {
    const unknown = await query(`{ area(pcode: "PS0299") { name } }`);
    expect(unknown.data).toEqual({ area: null });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const negative = await query(`{ area(pcode: "PS0255") { displacementSites(first: -1) { id } } }`);
    expect(negative.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers an operationName the document does not define with 400 and OPERATION_RESOLUTION_FAILURE, naming the operations it has', async () => {
    const token = await stack.token(ANALYST_CLAIMS);
    const send = (body: object) =>
      fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const unknown = await send({ query: 'query Areas { areas { pcode } } query Crossings { crossings { id } }', operationName: 'Nope' });
    expect(unknown.status).toBe(400);
    const body = await unknown.json();
    expect(body.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(body.errors[0].message).toBe('The document has no operation named "Nope"; it has: Areas, Crossings');
    const unnamed = await (await send({ query: 'query Areas { areas { pcode } } query Crossings { crossings { id } }' })).json();
    expect(unnamed.errors[0]).toMatchObject({ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } });
    expect(unnamed.errors[0].message).toContain('say which one to run');
  });

  it('answers malformed JSON with 400, an oversized body with 413 and an unknown path with 404', async () => {
    const authorization = `Bearer ${await stack.token({ sub: 'x' })}`;
    const malformed = await fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: '{"query":' });
    expect(malformed.status).toBe(400);
    const huge = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await fetch(`${stack.gatewayUrl}/nowhere`)).status).toBe(404);
  });
});

describe('hardening', () => {
  it("never starts @apollo/gateway's usage reporting to Apollo's cloud (a closed network must not call out)", () => {
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
    // With reporting on, the gateway registers its meter provider's shutdown first; here the only thing to dispose of
    // is the supergraph manager's cleanup.
    const toDispose = (stack.gateway.gateway as unknown as { toDispose: unknown[] }).toDispose;
    expect(toDispose).toHaveLength(1);
  });

  it('refuses requests a browser could send cross-site without a preflight (CSRF prevention)', async () => {
    const authorization = `Bearer ${await stack.token({ sub: 'x' })}`;
    const response = await fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization }, body: '{"query":"{ __typename }"}' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
  });

  it('answers introspection only to authenticated principals', async () => {
    const anonymous = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    expect(anonymous.status).toBe(401);
    const { data } = await query('{ __schema { queryType { name } } }');
    expect(data.__schema.queryType.name).toBe('Query');
  });

  it('masks an internal failure: no SQL, stack or path in the response, only a code and the request id in the logs', async () => {
    const stop = stack.subgraphs['civil-administration'].db.onQuery(() => {
      throw new Error('relation "secret_table" does not exist at /srv/cmcc/db.ts:42');
    });
    let body = '';
    try {
      const response = await query('{ areas(level: GOVERNORATE) { pcode } }');
      body = JSON.stringify(response);
      expect(response.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      stop();
    }
    expect(body).not.toMatch(/secret_table|\/srv\/|db\.ts|at .*:\d+/);
    const logged = stack.logs.filter((line) => line.includes('internal error') || line.includes('INTERNAL_SERVER_ERROR'));
    expect(logged.some((line) => /"requestId":"[\w-]+"/.test(line))).toBe(true);
  });
});

describe('health and readiness', () => {
  it('reports alive on /health and every subgraph answering on /ready', async () => {
    const health = await fetch(`${stack.gatewayUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${stack.gatewayUrl}/ready`);
    const body = await ready.json();
    expect(ready.status).toBe(200);
    expect(body.supergraph.phase).toBe('loaded');
    expect(body.subgraphs.map((s: { name: string }) => s.name).sort()).toEqual(stack.entries.map((e) => e.name).sort());
    expect(body.subgraphs.every((s: { ok: boolean }) => s.ok)).toBe(true);
    expect(body.auditBuffer).toMatchObject({ depth: expect.any(Number), capacity: expect.any(Number) });
  });
});

describe('supergraph reload', () => {
  const fieldsOfArea = async () => {
    const { data } = await query(`{ __type(name: "Area") { fields { name } } }`);
    return (data.__type.fields as { name: string }[]).map((f) => f.name);
  };

  it('serves a changed supergraph file without a restart, and keeps serving the last good one when the file is broken', async () => {
    expect(await fieldsOfArea()).toContain('facilities');
    const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
    // Publish a supergraph without the engineering subgraph: Area.facilities disappears.
    writeSupergraph(
      stack.entries.filter((e) => e.name !== 'engineering'),
      urls,
      stack.supergraphPath,
    );
    expect(await eventually(fieldsOfArea, (fields) => !fields.includes('facilities'))).not.toContain('facilities');

    fs.writeFileSync(stack.supergraphPath, 'this is not a supergraph');
    await eventually(
      async () => stack.logs.join('\n'),
      (logs) => logs.includes('supergraph file rejected'),
    );
    expect(stack.logs.join('\n')).toContain('the last good supergraph keeps serving');
    const { data, errors } = await query(`{ areas(level: GOVERNORATE) { pcode incidents(since: "2025-10-10T00:00:00Z") { id } } }`);
    expect(errors).toBeUndefined();
    expect(data.areas).toHaveLength(5);
    const ready = await (await fetch(`${stack.gatewayUrl}/ready`)).json();
    expect(ready.supergraph.lastRejected.error).toBeTruthy();

    writeSupergraph(stack.entries, urls, stack.supergraphPath);
    expect(await eventually(fieldsOfArea, (fields) => fields.includes('facilities'))).toContain('facilities');
  });
});

describe('a subgraph that stops answering', () => {
  it('keeps the gateway in rotation as degraded on /ready and names the failing subgraph', async () => {
    await stack.subgraphs.engineering.close();
    const ready = await fetch(`${stack.gatewayUrl}/ready`);
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body.status).toBe('degraded');
    expect(body.subgraphs.find((s: { name: string }) => s.name === 'engineering').ok).toBe(false);
    expect(body.subgraphs.find((s: { name: string }) => s.name === 'security').ok).toBe(true);
    // closed twice is harmless for the stack's own teardown
    stack.subgraphs.engineering.close = async () => undefined;
  });
});

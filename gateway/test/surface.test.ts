import { createHash } from 'node:crypto';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoneGateway } from '@cmcc/test-support/gateway';
import { guardAdminRoute } from '../src/admin-access.ts';
import { loadGatewayConfig } from '../src/config.ts';

/**
 * What the gateway tells callers who are not (yet) allowed in: refusals that do not say which check failed, operator
 * routes behind a credential, a readiness answer without the audit trail's sequence numbers, and a persisted-query
 * hash mismatch named for what it is. All decided before any subgraph is called, so a gateway alone answers.
 */

const METRICS_TOKEN = 'operator-token-for-the-surface-tests';
let gateway: Awaited<ReturnType<typeof startLoneGateway>>;
let production: Awaited<ReturnType<typeof startLoneGateway>>;
beforeAll(async () => {
  [gateway, production] = await Promise.all([
    startLoneGateway({ GATEWAY_AUTHORIZATION_MODE: 'reject' }),
    startLoneGateway({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true', METRICS_TOKEN }),
  ]);
});
afterAll(async () => {
  await Promise.all([gateway?.close(), production?.close()]);
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

describe('refusals', () => {
  it('answers 401 with one generic body, whether the credential is missing, malformed, badly signed or an unknown API key', async () => {
    const valid = await gateway.token();
    const forged = `${valid.slice(0, valid.lastIndexOf('.'))}.${Buffer.from('not the signature').toString('base64url')}`;
    const refusals = await Promise.all([
      post(gateway.url, { query: '{ __typename }' }),
      post(gateway.url, { query: '{ __typename }' }, { authorization: 'Bearer not-a-jwt' }),
      post(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${forged}` }),
      post(gateway.url, { query: '{ __typename }' }, { 'x-api-key': 'cmcc_nobody_0000000000000000' }),
    ]);
    for (const { status, body } of refusals) {
      expect(status).toBe(401);
      expect(body.errors).toEqual([{ message: expect.stringMatching(/^Not authenticated\b/), extensions: { code: 'UNAUTHENTICATED' } }]);
    }
    expect(new Set(refusals.map(({ body }) => body.errors?.[0].message)).size).toBe(1);
  });

  it('answers 403 "not allowed" in reject mode without naming the fields or the requirement they failed', async () => {
    const partner = { sub: 'wfp-logistics-officer', org: 'XM-DAC-41140', clearance: 'UNCLASSIFIED', roles: ['member'] };
    const { status, body } = await post(
      gateway.url,
      { query: '{ displacementSites(first: 3) { edges { node { id latitude } } } }' },
      { authorization: `Bearer ${await gateway.token(partner)}` },
    );
    expect(status).toBe(403);
    expect(body.errors?.[0].message).toMatch(/^Not allowed\b/);
    expect(body.errors?.[0].message).not.toMatch(/latitude|DisplacementSite|sensitive-location|clearance|nation/i);
  });
});

describe('operator routes', () => {
  it('in production, refuse /metrics and /explorer/operations.json without METRICS_TOKEN, even from the same machine', async () => {
    for (const route of ['/metrics', '/explorer/operations.json']) {
      const none = await fetch(`${production.url}${route}`);
      expect(none.status).toBe(401);
      expect(await none.text()).not.toMatch(/METRICS_TOKEN|cmcc_/);
      expect((await fetch(`${production.url}${route}`, { headers: { authorization: 'Bearer operator-token-for-the-surface-testz' } })).status).toBe(401);
      expect((await fetch(`${production.url}${route}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    }
    // The explorer's users may read the saved operations with their own credential; /metrics stays the operators'.
    const user = { authorization: `Bearer ${await production.token()}` };
    expect((await fetch(`${production.url}/explorer/operations.json`, { headers: user })).status).toBe(200);
    expect((await fetch(`${production.url}/metrics`, { headers: user })).status).toBe(401);
  });

  it('without a token, serve them to loopback callers in development only, never to another address', async () => {
    const served: string[] = [];
    const route = async () => void served.push('served');
    const call = async (access: { token: string | undefined; openOnLoopback: boolean }, remoteAddress: string) => {
      const response = {
        statusCode: 200,
        headers: {} as Record<string, string>,
        body: '',
        setHeader(name: string, value: string) {
          this.headers[name] = value;
        },
        end(body?: string) {
          this.body = body ?? '';
        },
      };
      const request = { headers: {}, socket: { remoteAddress } } as unknown as http.IncomingMessage;
      await guardAdminRoute(route, access)(request, response as unknown as http.ServerResponse, new URL('http://gateway/metrics'));
      return response;
    };
    const development = loadGatewayConfig({}).adminAccess;
    const productionAccess = loadGatewayConfig({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true' }).adminAccess;
    expect((await call(development, '127.0.0.1')).statusCode).toBe(200);
    expect((await call(development, '::1')).statusCode).toBe(200);
    const remote = await call(development, '10.20.30.40');
    expect(remote.statusCode).toBe(403);
    expect(JSON.parse(remote.body).errors[0]).toEqual({ message: 'Not allowed.', extensions: { code: 'FORBIDDEN' } });
    expect((await call(productionAccess, '127.0.0.1')).statusCode).toBe(403);
    expect((await call(loadGatewayConfig({ GATEWAY_ADMIN_LOOPBACK: 'false' }).adminAccess, '127.0.0.1')).statusCode).toBe(403);
    expect(served).toEqual(['served', 'served']);
  });

  it("show operators each in-memory cache's bytes against its bound", async () => {
    const text = await (await fetch(`${production.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const bound = production.gateway.performance.stats().memory.persisted_queries.maxBytes;
    expect(bound).toBeGreaterThan(0);
    expect(text).toContain(`cmcc_cache_memory_bytes{cache="persisted_queries",kind="bound",service="gateway"} ${bound}`);
    expect(text).toContain('cmcc_cache_evictions{cache="persisted_queries",service="gateway"} 0');
  });

  it('keeps /health open without a credential', async () => {
    expect((await fetch(`${production.url}/health`)).status).toBe(200);
  });
});

describe('readiness', () => {
  it("shows the audit buffer's depth and health but no sequence number or event count of the trail", async () => {
    // Something audited first, so the trail has a sequence number to leak.
    await production.query('{ __typename }');
    await production.gateway.audit.flush();
    const body = (await (await fetch(`${production.url}/ready`)).json()) as { auditBuffer: Record<string, unknown> };
    expect(body.auditBuffer).toMatchObject({ depth: expect.any(Number), capacity: expect.any(Number), sinkHealthy: expect.any(Boolean) });
    expect(JSON.stringify(body)).not.toMatch(/seq|written/i);
  });
});

describe('automatic persisted queries', () => {
  it('answer a hash that is not the SHA-256 of the text sent with 400 PERSISTED_QUERY_HASH_MISMATCH', async () => {
    const query = 'query Probe { __typename }';
    const headers = { authorization: `Bearer ${await gateway.token()}` };
    const wrong = createHash('sha256').update(`${query} `).digest('hex');
    const { status, body } = await post(gateway.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } }, headers);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    const right = createHash('sha256').update(query).digest('hex');
    expect((await post(gateway.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: right } } }, headers)).body.data).toEqual({ __typename: 'Query' });
  });
});

/**
 * CORS at the gateway (gateway/src/cors.ts), with real requests to a lone gateway on port 0: a preflight from an allowed
 * origin is answered 204 without any credential, one from another origin 403 with a message and no CORS header; the
 * responses to an allowed origin carry its origin, credentials, the exposed headers and `Vary: Origin`, on every path a
 * browser dashboard calls; with no origin configured (the default, in production too) there is no CORS header at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, ConfigError, listen } from '@cmcc/platform';
import { startLoneGateway } from '@cmcc/test-support/gateway';
import { loadGatewayConfig } from '../src/config.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, withCors } from '../src/cors.ts';

const DASHBOARD = 'https://floor.cmcc.example';
const LOCAL_DASHBOARD = 'http://localhost:5173';
const STRANGER = 'https://elsewhere.example';

type LoneGateway = Awaited<ReturnType<typeof startLoneGateway>>;

function preflight(url: string, origin: string, method = 'POST', headers = 'authorization, content-type'): Promise<Response> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
}

function listed(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}

function corsHeaders(response: Response): string[] {
  return [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
}

describe('CORS with configured origins', () => {
  let gateway: LoneGateway;

  beforeAll(async () => {
    gateway = await startLoneGateway({ GATEWAY_CORS_ORIGINS: `${DASHBOARD}, ${LOCAL_DASHBOARD}`, GATEWAY_CORS_MAX_AGE_SECONDS: '900' });
  });
  afterAll(() => gateway?.close());

  it('answers a preflight from an allowed origin with 204 and no credential, naming the origin, credentials, methods, headers and max age', async () => {
    const response = await preflight(`${gateway.url}/graphql`, DASHBOARD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(listed(response.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'post']));
    expect(listed(response.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-api-key']));
    expect(response.headers.get('access-control-max-age')).toBe('900');
    expect(listed(response.headers.get('vary'))).toContain('origin');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('answers each allowed origin with its own origin, never a wildcard', async () => {
    const response = await preflight(`${gateway.url}/graphql`, LOCAL_DASHBOARD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(LOCAL_DASHBOARD);
  });

  it('refuses a preflight from an origin not allowed with 403, a message and no CORS header', async () => {
    const response = await preflight(`${gateway.url}/graphql`, STRANGER);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual([]);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].message).toContain(`Origin ${STRANGER} may not call this gateway from a browser`);
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses an origin that only resembles an allowed one (another scheme, port or subdomain)', async () => {
    for (const origin of ['http://floor.cmcc.example', 'https://floor.cmcc.example:8443', 'https://evil.floor.cmcc.example', 'http://localhost:5174', 'null']) {
      const response = await preflight(`${gateway.url}/graphql`, origin);
      expect(response.status, origin).toBe(403);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('refuses, with a message, a preflight for a method or a header the gateway does not take', async () => {
    const put = await preflight(`${gateway.url}/graphql`, DASHBOARD, 'PUT');
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('Method PUT is not allowed');
    const custom = await preflight(`${gateway.url}/graphql`, DASHBOARD, 'POST', 'authorization, x-custom-thing');
    expect(custom.status).toBe(403);
    expect(await custom.text()).toContain('x-custom-thing');
    expect(corsHeaders(custom)).toEqual([]);
  });

  it('allows every header a GraphQL client of the gateway sends', async () => {
    const response = await preflight(`${gateway.url}/graphql`, DASHBOARD, 'GET', CORS_ALLOWED_HEADERS.join(','));
    expect(response.status).toBe(204);
  });

  it('answers a query from an allowed origin with its data, the origin, credentials and the exposed headers', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: DASHBOARD, 'content-type': 'application/json', authorization: `Bearer ${await gateway.token()}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(listed(response.headers.get('access-control-expose-headers'))).toEqual(expect.arrayContaining([...CORS_EXPOSED_HEADERS]));
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(listed(response.headers.get('vary'))).toContain('origin');
  });

  it('lets an allowed page read a refusal: a query without a credential is a 401 that carries the CORS headers', async () => {
    const response = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: DASHBOARD, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(listed(response.headers.get('access-control-expose-headers'))).toContain('www-authenticate');
  });

  it('gives a query from an origin not allowed no CORS header, so the browser withholds the answer from the page', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: STRANGER, 'content-type': 'application/json', authorization: `Bearer ${await gateway.token()}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(corsHeaders(response)).toEqual([]);
    expect(listed(response.headers.get('vary'))).toContain('origin');
  });

  it('covers every path of the gateway a dashboard calls: the event streams under /graphql and the saved operations', async () => {
    const stream = await preflight(`${gateway.url}/graphql/stream`, DASHBOARD, 'GET', 'authorization, last-event-id');
    expect(stream.status).toBe(204);
    expect(stream.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    const operations = await fetch(`${gateway.url}/explorer/operations.json`, { headers: { origin: DASHBOARD, authorization: `Bearer ${await gateway.token()}` } });
    expect(operations.status).toBe(200);
    expect(operations.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(listed(operations.headers.get('vary'))).toContain('origin');
  });

  it("adds Origin to a Vary the route sets itself (the explorer's compressed files vary by accept-encoding)", async () => {
    const handler = withCors(
      (_request, response) => {
        response.setHeader('vary', 'accept-encoding');
        response.end('ok');
      },
      { origins: [DASHBOARD], credentials: true, maxAgeSeconds: 600 },
    );
    const { server, url } = await listen(handler, 0);
    try {
      const response = await fetch(url, { headers: { origin: DASHBOARD } });
      expect(listed(response.headers.get('vary'))).toEqual(['accept-encoding', 'origin']);
      expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    } finally {
      await close(server);
    }
  });

  it('never opens /metrics to another origin', async () => {
    const scrape = await fetch(`${gateway.url}/metrics`, { headers: { origin: DASHBOARD } });
    expect(corsHeaders(scrape)).toEqual([]);
    const asked = await preflight(`${gateway.url}/metrics`, DASHBOARD, 'GET', 'authorization');
    expect(asked.status).not.toBe(204);
    expect(corsHeaders(asked)).toEqual([]);
  });
});

describe('CORS credentials setting', () => {
  let gateway: LoneGateway;

  beforeAll(async () => {
    gateway = await startLoneGateway({ GATEWAY_CORS_ORIGINS: DASHBOARD, GATEWAY_CORS_CREDENTIALS: 'false' });
  });
  afterAll(() => gateway?.close());

  it('leaves out Access-Control-Allow-Credentials when GATEWAY_CORS_CREDENTIALS=false, and uses the default max age', async () => {
    const response = await preflight(`${gateway.url}/graphql`, DASHBOARD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });
});

describe('CORS by default', () => {
  let gateway: LoneGateway;

  beforeAll(async () => {
    gateway = await startLoneGateway({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true' });
  });
  afterAll(() => gateway?.close());

  it('is off in production without GATEWAY_CORS_ORIGINS: a preflight gets no CORS header and is not answered before authentication', async () => {
    const response = await preflight(`${gateway.url}/graphql`, DASHBOARD);
    expect(response.status).toBe(401);
    expect(corsHeaders(response)).toEqual([]);
    const query = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: DASHBOARD, 'content-type': 'application/json', authorization: `Bearer ${await gateway.token()}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(query.status).toBe(200);
    expect(corsHeaders(query)).toEqual([]);
    expect(query.headers.get('vary')).toBeNull();
  });

  it('is off in development too unless origins are listed', () => {
    expect(loadGatewayConfig({}).cors.origins).toEqual([]);
    expect(loadGatewayConfig({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true' }).cors.origins).toEqual([]);
    expect(loadGatewayConfig({ GATEWAY_CORS_ORIGINS: `${DASHBOARD},${DASHBOARD}` }).cors).toEqual({ origins: [DASHBOARD], credentials: true, maxAgeSeconds: 600 });
  });
});

describe('CORS configuration', () => {
  function problems(env: Record<string, string>): string[] {
    try {
      loadGatewayConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  }

  it('refuses a wildcard, a path, a trailing slash, an upper-case host, a default port and other schemes', () => {
    for (const origins of [
      '*',
      'https://*.cmcc.example',
      'https://floor.cmcc.example/',
      'https://floor.cmcc.example/app',
      'https://Floor.cmcc.example',
      'https://floor.cmcc.example:443',
      'ftp://floor.cmcc.example',
      'floor.cmcc.example',
    ]) {
      const found = problems({ GATEWAY_CORS_ORIGINS: origins });
      expect(found, origins).toHaveLength(1);
      expect(found[0], origins).toMatch(/^GATEWAY_CORS_ORIGINS must list exact origins .*no wildcard/);
    }
  });

  it('refuses a max age outside 0 to 86400 seconds and a credentials value that is not a boolean', () => {
    expect(problems({ GATEWAY_CORS_MAX_AGE_SECONDS: '90000' })).toEqual(['GATEWAY_CORS_MAX_AGE_SECONDS must be a whole number of seconds from 0 to 86400, got "90000"']);
    expect(problems({ GATEWAY_CORS_CREDENTIALS: 'sometimes' })).toEqual(['GATEWAY_CORS_CREDENTIALS must be true or false, got "sometimes"']);
  });
});

/**
 * CORS in headless Chromium (Debian's `chromium`, driven by playwright-core): a dashboard page served from a second
 * origin (another HTTP server on port 0: another port is another origin) fetches the gateway's /graphql with a bearer
 * token and `credentials: 'include'` and shows the data, and reads the explorer's saved operations; the same page served
 * from an origin the gateway does not allow cannot read anything (the browser's preflight is refused). Without Chromium
 * the test skips, saying so; under REQUIRE_SERVICES=1 (CI) it fails.
 */
import type http from 'node:http';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen } from '@cmcc/platform';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@cmcc/test-support/browser';

/** The page works in the browser while other test files load the machine: wait generously for what it shows. */
const POLL = { timeout: 20_000 };
const DASHBOARD_CLAIMS = { sub: 'ops-dashboard', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['dashboard'], scope: 'read:*', cmcc: true };

/**
 * A dashboard page: its script takes the gateway's URL and a token from the page's query string, asks the gateway for
 * the crossings with the token as a bearer credential, and writes the answer (or the failure) into `#result`.
 */
const DASHBOARD_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Floor dashboard (another origin)</title></head>
<body><pre id="result">waiting</pre>
<script>
  (async () => {
    const params = new URLSearchParams(location.search);
    const result = document.getElementById('result');
    try {
      const response = await fetch(params.get('gateway') + '/graphql', {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + params.get('token') },
        body: JSON.stringify({ query: '{ crossings { id name } }' }),
      });
      const body = await response.json();
      result.textContent = 'answered ' + response.status + ' request ' + response.headers.get('x-request-id') + ' ' + JSON.stringify(body);
    } catch (error) {
      result.textContent = 'failed ' + error.name + ': ' + error.message;
    }
  })();
</script></body></html>`;

/** A server on port 0 that serves the dashboard page at `/`: its origin is `http://127.0.0.1:<its port>`. */
async function servePage(): Promise<{ server: http.Server; origin: string }> {
  const { server, url } = await listen((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(DASHBOARD_PAGE);
  }, 0);
  return { server, origin: url };
}

describe('a dashboard from another origin in headless Chromium', () => {
  let available = false;
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let allowed: { server: http.Server; origin: string };
  let stranger: { server: http.Server; origin: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    available = chromiumAvailable('the CORS browser test');
    if (!available) return;
    [allowed, stranger] = await Promise.all([servePage(), servePage()]);
    [stack, browser] = await Promise.all([
      startStack({ env: { GATEWAY_CORS_ORIGINS: allowed.origin } }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
    context = await browser.newContext({ serviceWorkers: 'block' });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (allowed) await close(allowed.server);
    if (stranger) await close(stranger.server);
  });

  async function openDashboard(origin: string, token: string) {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/?gateway=${encodeURIComponent(stack.gatewayUrl)}&token=${encodeURIComponent(token)}`);
    await expect.poll(() => page.locator('#result').textContent(), POLL).not.toBe('waiting');
    return page;
  }

  it('gets data from the gateway with a bearer token when its origin is allowed', { timeout: 120_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    expect(new URL(allowed.origin).origin).not.toBe(new URL(stack.gatewayUrl).origin);
    const page = await openDashboard(allowed.origin, await stack.token(DASHBOARD_CLAIMS));
    const shown = (await page.locator('#result').textContent()) ?? '';
    expect(shown).toMatch(/^answered 200 request [\w-]{8,} /);
    const body = JSON.parse(shown.slice(shown.indexOf('{')));
    expect(body.errors).toBeUndefined();
    expect(body.data.crossings.map((crossing: { id: string }) => crossing.id)).toContain('KEREM_SHALOM');

    // The explorer's saved operations, which the dashboard reuses, read from the same page with the same token.
    const token = await stack.token(DASHBOARD_CLAIMS);
    const operations = await page.evaluate(
      async ({ gateway, token }) => {
        const response = await fetch(`${gateway}/explorer/operations.json`, { credentials: 'include', headers: { authorization: `Bearer ${token}` } });
        return { status: response.status, names: ((await response.json()) as { operations: { name: string }[] }).operations.map((operation) => operation.name) };
      },
      { gateway: stack.gatewayUrl, token },
    );
    expect(operations.status).toBe(200);
    expect(operations.names).toContain('SituationByGovernorate');
    expect(pageErrors).toEqual([]);
  });

  it('cannot read the gateway from an origin that is not allowed', { timeout: 120_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const refused: string[] = [];
    const page = await context.newPage();
    page.on('requestfailed', (request) => refused.push(request.url()));
    await page.goto(`${stranger.origin}/?gateway=${encodeURIComponent(stack.gatewayUrl)}&token=${encodeURIComponent(await stack.token(DASHBOARD_CLAIMS))}`);
    await expect.poll(() => page.locator('#result').textContent(), POLL).not.toBe('waiting');
    expect(await page.locator('#result').textContent()).toBe('failed TypeError: Failed to fetch');
    expect(refused).toContain(`${stack.gatewayUrl}/graphql`);
    // The gateway refused the browser's preflight (403, before any credential) and so never saw the query itself.
    const requests = () => stack.logs.filter((line) => line.includes('"msg":"request"') && line.includes('"path":"/graphql"')).map((line) => JSON.parse(line));
    await expect.poll(() => requests().some((line) => line.method === 'OPTIONS' && line.status === 403), POLL).toBe(true);
  });
});

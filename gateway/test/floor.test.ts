/**
 * The floor dashboard without a browser: what `GET /floor` serves, its headers, that everything the page and its
 * stylesheet refer to is same-origin; the development sign-in its role picker uses (who gets it, who does not); and
 * the static build for another origin. The gateway runs alone on the committed supergraph (no subgraph is called).
 * The browser test is floor.browser.test.ts.
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen, createLogger } from '@cmcc/platform';
import { loadGatewayConfig } from '../src/config.ts';
import { createDevSignInRoutes } from '../src/auth/dev-sign-in.ts';
import { writeStaticFloor } from '../src/floor/static.ts';
import { createGateway } from '../src/server.ts';

interface RunningGateway {
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-floor-'));
  const config = loadGatewayConfig({ DATA_DIR: dir, SUBGRAPH_SHARED_SECRET: 'floor-test-secret-of-at-least-32-characters', ...env });
  const logs: string[] = [];
  const gateway = await createGateway(config, createLogger('gateway', 'info', { write: (line: string) => void logs.push(line) }));
  const { server, url } = await listen(gateway.handler, 0);
  return {
    url,
    logs,
    async stop() {
      await close(server);
      await gateway.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((part) => part[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

function references(html: string): { urls: string[]; inlineScripts: number; styleElements: number; styleAttributes: number } {
  const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
  const inlineScripts = [...html.matchAll(/<script\b([^>]*)>/g)].filter((match) => !/\ssrc=/.test(match[1])).length;
  return { urls, inlineScripts, styleElements: (html.match(/<style\b/g) ?? []).length, styleAttributes: (html.match(/\sstyle=/g) ?? []).length };
}

describe('the floor dashboard at /floor', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  }, 120_000);
  afterAll(() => gateway?.stop());

  it('serves the page without a credential, with the explorer’s headers and a CSP that forbids every remote load', async () => {
    const response = await fetch(`${gateway.url}/floor`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    for (const [name, value] of Object.entries({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    })) {
      expect(response.headers.get(name), name).toBe(value);
    }
    const csp = directives(response.headers.get('content-security-policy') ?? '');
    for (const directive of ['default-src', 'script-src', 'connect-src', 'img-src', 'font-src']) expect(csp.get(directive), directive).toEqual(["'self'"]);
    for (const directive of ['worker-src', 'frame-src', 'object-src', 'frame-ancestors']) expect(csp.get(directive), directive).toEqual(["'none'"]);
    expect(csp.get('style-src')?.slice(1)).toEqual([expect.stringMatching(/^'nonce-[A-Za-z0-9+/=]{16,}'$/)]);
    expect([...csp.values()].flat().filter((source) => /unsafe|https?:|data:|blob:|\*/.test(source))).toEqual([]);

    const html = await response.text();
    const { urls, inlineScripts, styleElements, styleAttributes } = references(html);
    expect({ inlineScripts, styleElements, styleAttributes }).toEqual({ inlineScripts: 0, styleElements: 0, styleAttributes: 0 });
    expect(html).toContain('data-graphql="/graphql"');
    expect(html).toContain('data-dev-sign-in="/auth/dev"');
    for (const reference of urls) expect(new URL(reference, gateway.url).origin, reference).toBe(gateway.url);
  });

  it('serves the script, the stylesheet (Leaflet’s and uPlot’s included) and its images from the gateway, hashed and cached for good', async () => {
    const html = await (await fetch(`${gateway.url}/floor`)).text();
    const urls = references(html).urls.map((reference) => new URL(reference, gateway.url));
    const script = urls.find((url) => url.pathname.endsWith('.js'))!;
    const stylesheet = urls.find((url) => url.pathname.endsWith('.css'))!;
    expect(script.pathname).toMatch(/^\/floor\/assets\/floor-[0-9a-f]{12}\.js$/);
    const js = await fetch(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const code = await js.text();
    // Leaflet, uPlot, graphql-ws and the shipped GeoJSON are in the bundle, not fetched from anywhere.
    for (const part of ['Leaflet 1.9', 'u-legend', 'graphql-transport-ws', 'PS0255', 'query FloorOverview', 'query CrossingPipeline']) expect(code.includes(part), part).toBe(true);
    expect(code).not.toMatch(/https?:\/\/[a-z0-9.-]*(tile|openstreetmap|unpkg|jsdelivr|cdn)/i);

    const css = await fetch(stylesheet);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const text = await css.text();
    for (const rule of ['.leaflet-container', '.uplot', '.floor-grid']) expect(text, rule).toContain(rule);
    // Leaflet's `behavior: url(#default#VML)` (old Internet Explorer) names no file.
    const cssUrls = [...new Set([...text.matchAll(/url\(\s*["']?([^"')#][^"')]*)["']?\s*\)/g)].map((match) => match[1]))];
    expect(cssUrls.length).toBeGreaterThan(0); // Leaflet's control images, written out of data: URLs
    for (const reference of cssUrls) {
      const url = new URL(reference, stylesheet);
      expect(url.origin, reference).toBe(gateway.url);
      const file = await fetch(url);
      expect(file.status, reference).toBe(200);
      expect(file.headers.get('content-type'), reference).toMatch(/^image\//);
      await file.arrayBuffer();
    }
    expect((await fetch(`${gateway.url}/floor/assets/floor-000000000000.js`)).status).toBe(404);
  });

  it('lists the development principals and mints a token the gateway accepts, for a loopback caller in development', async () => {
    const listed = await fetch(`${gateway.url}/auth/dev/principals`);
    expect(listed.status).toBe(200);
    const { principals } = (await listed.json()) as { principals: { name: string; claims: Record<string, unknown> }[] };
    expect(principals.map((principal) => principal.name)).toContain('operations-dashboard');
    const minted = await fetch(`${gateway.url}/auth/dev/token?as=prcs-volunteer`);
    expect(minted.status).toBe(200);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    const { token } = (await minted.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'prcs-volunteer', clearance: 'UNCLASSIFIED' });
    // Two hours at most (iat and exp are each read from the clock, so they may straddle a second).
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(2 * 3600 + 1);
    const answer = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query":"{ __typename }"}',
    });
    expect(answer.status).toBe(200);
    const unknown = await fetch(`${gateway.url}/auth/dev/token?as=root`);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('operations-dashboard');
  });
});

describe('development sign-in is not offered', () => {
  it('under NODE_ENV=production, nor with an identity provider configured', async () => {
    const production = await startGateway({ NODE_ENV: 'production', AUTH_ALLOW_DEVELOPMENT_KEYS: 'true' });
    try {
      expect((await fetch(`${production.url}/auth/dev/principals`)).status).toBe(404);
      expect((await fetch(`${production.url}/auth/dev/token?as=operations-dashboard`)).status).toBe(404);
      expect((await fetch(`${production.url}/floor`)).status).toBe(200);
    } finally {
      await production.stop();
    }
    const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-floor-idp-')), 'jwks.json');
    fs.writeFileSync(keyFile, JSON.stringify({ keys: [] }));
    const withIdp = loadGatewayConfig({ AUTH_PUBLIC_KEY_FILE: keyFile, AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'cmcc' });
    expect(withIdp.devSignIn).toBe(false);
    expect(loadGatewayConfig({}).devSignIn).toBe(true);
  });

  it('to a caller on another machine, even in development', async () => {
    const routes = createDevSignInRoutes({ enabled: true, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-floor-remote-')) });
    for (const [route, query] of [
      ['/auth/dev/principals', ''],
      ['/auth/dev/token', '?as=operations-dashboard'],
    ]) {
      let status = 0;
      let body = '';
      const response = {
        statusCode: 0,
        setHeader() {},
        end(chunk: string) {
          status = this.statusCode;
          body = chunk;
        },
      };
      const request = { socket: { remoteAddress: '10.1.2.3' }, headers: {} } as unknown as http.IncomingMessage;
      await routes[route](request, response as unknown as http.ServerResponse, new URL(`http://gateway${route}${query}`));
      expect(status, route).toBe(403);
      expect(body).not.toMatch(/eyJ/); // no token
    }
  });

  it('and /floor is off with the explorer (GATEWAY_EXPLORER=off)', async () => {
    const off = await startGateway({ GATEWAY_EXPLORER: 'off' });
    try {
      expect((await fetch(`${off.url}/floor`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

describe('npm run floor:build', () => {
  it('writes the page and its files for another origin, calling only the given gateway', { timeout: 120_000 }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-floor-static-'));
    try {
      const { files } = await writeStaticFloor({ out, gateway: 'https://gateway.cmcc.example/' });
      const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
      expect(html).toContain('data-graphql="https://gateway.cmcc.example/graphql"');
      const { urls, inlineScripts } = references(html);
      expect(inlineScripts).toBe(0);
      for (const reference of urls) {
        expect(reference).toMatch(/^assets\//);
        expect(files).toContain(reference);
        expect(fs.existsSync(path.join(out, reference))).toBe(true);
      }
      const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;|&apos;/g, "'") ?? '';
      expect(directives(meta).get('connect-src')).toEqual(['https://gateway.cmcc.example', 'wss://gateway.cmcc.example']);
      expect(directives(meta).get('script-src')).toEqual(["'self'"]);
      const stylesheet = urls.find((reference) => reference.endsWith('.css'))!;
      for (const match of fs.readFileSync(path.join(out, stylesheet), 'utf8').matchAll(/url\(\s*["']?([^"')#][^"')]*)["']?\s*\)/g)) {
        expect(fs.existsSync(path.join(out, 'assets', match[1])), match[1]).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

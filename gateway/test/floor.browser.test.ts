/**
 * The floor dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core) on a 1920×1080 wall screen,
 * against the whole stack: signed in through the development role picker, the page draws the governorates from the
 * shipped GeoJSON (SVG paths) and the throughput charts (canvases), shows a marking on every record, and shows a
 * partner NGO volunteer fewer records than the operations dashboard — as many as the graph itself returns to each of
 * them, counted here from FloorOverview and FloorMap sent straight to the gateway. Nothing is loaded from outside the
 * gateway and the page's policy is never breached; a working group that is down is named, not shown as an empty
 * panel. The screenshot is written to docs/floor.png. Without Chromium the
 * test skips, saying so; under REQUIRE_SERVICES=1 (CI) it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { DEV_PRINCIPALS } from '@cmcc/gateway/auth/dev-keys';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@cmcc/test-support/browser';

const POLL = { timeout: 30_000 };
const read = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8');
/** What the floor asks for: everything since the ceasefire of 10 October 2025. */
const SINCE = '2025-10-10T00:00:00Z';
/** The five governorates of the Gaza Strip (docs/domain.md). */
const GOVERNORATES = ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275'];

interface Opened {
  context: BrowserContext;
  page: Page;
  foreign: string[];
  pageErrors: string[];
  violations(): Promise<string[]>;
}

describe('the floor dashboard in headless Chromium', () => {
  let available = false;
  let stack: TestStack;
  let browser: Browser;
  const opened: Opened[] = [];

  beforeAll(async () => {
    available = chromiumAvailable('the floor browser test');
    if (!available) return;
    [stack, browser] = await Promise.all([startStack(), chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A fresh browser profile on /floor, signed in as a development principal through the role picker. */
  async function openAs(principal: string): Promise<Opened> {
    const origin = new URL(stack.gatewayUrl).origin;
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1920, height: 1080 } });
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      foreign.push(url);
      return route.abort('blockedbyclient');
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const record = `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`;
        ((window as unknown as { __violations: string[] }).__violations ??= []).push(record);
      });
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const response = await page.goto(`${stack.gatewayUrl}/floor`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('#floor-role option').count(), POLL).toBeGreaterThan(1);
    await page.locator('#floor-role').selectOption(principal);
    await expect.poll(() => page.getByTestId('token-status').textContent(), POLL).toContain(String(DEV_PRINCIPALS[principal].sub));
    await expect.poll(() => page.locator('#floor').getAttribute('data-state'), POLL).toBe('ready');
    const result: Opened = {
      context,
      page,
      foreign,
      pageErrors,
      violations: () => page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []),
    };
    opened.push(result);
    return result;
  }

  /** The oracle: what the graph returns to the principal for the floor's operations, counted record by record. */
  async function expectedFor(principal: string): Promise<{ records: number; located: number }> {
    const claims = { ...DEV_PRINCIPALS[principal] } as Record<string, unknown>;
    const overview = await stack.query(read('FloorOverview'), { since: SINCE }, claims);
    const layers = await stack.query(read('FloorMap'), { since: SINCE }, claims);
    const lists = ['displacementSites', 'incidents', 'facilities', 'coordinationRequests'];
    const records = overview.data.areas.reduce((sum: number, area: any) => sum + lists.reduce((n, list) => n + (area[list]?.length ?? 0), 0), 0);
    const located = (layers.data.incidents?.edges ?? []).filter((edge: any) => edge.node.latitude !== null).length;
    return { records, located };
  }

  it('draws the map and the charts with a marking on every record, and writes docs/floor.png', { timeout: 180_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const { page, foreign, pageErrors, violations } = await openAs('operations-dashboard');

    // The map: one SVG path per governorate of the shipped GeoJSON, the Yellow Line, the five crossings.
    await expect.poll(() => page.locator('svg path.floor-governorate').count(), POLL).toBe(GOVERNORATES.length);
    expect((await page.locator('svg path.floor-governorate').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-pcode')))).sort()).toEqual(GOVERNORATES);
    expect(await page.locator('svg path.floor-yellow-line').count()).toBe(1);
    expect(await page.locator('svg path.floor-crossing').count()).toBe(5);
    // The charts: uPlot draws on canvases, by source and by stream.
    await expect.poll(() => page.locator('[data-chart="by-source"] canvas').count(), POLL).toBe(1);
    expect(await page.locator('[data-chart="by-stream"] canvas').count()).toBe(1);
    // The panels: one per governorate; every record carries its marking.
    expect(await page.locator('article.floor-area').count()).toBe(GOVERNORATES.length);
    const rows = page.locator('[data-record]');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-record]:not(:has(.marking[data-classification]))').count()).toBe(0);
    // The live feed is either connected or says it is unavailable (before the gateway has a subscription endpoint).
    await expect.poll(() => page.locator('.floor-feed-status').getAttribute('data-state'), POLL).toMatch(/^(live|unavailable)$/);

    // Wait for the map's pane to settle, then the wall-screen screenshot.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: path.join(PROJECT_ROOT, 'docs', 'floor.png'), fullPage: false });

    // The wall screen shows everything without scrolling the page; a laptop scrolls down, never sideways.
    const fits = () => page.evaluate(() => ({ wide: document.documentElement.scrollWidth <= innerWidth, tall: document.documentElement.scrollHeight <= innerHeight }));
    expect(await fits()).toEqual({ wide: true, tall: true });
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(async () => (await fits()).wide, POLL).toBe(true);
    const map = await page.locator('.floor-map-canvas').boundingBox();
    expect(map?.width).toBeGreaterThan(300);
    expect(map?.height).toBeGreaterThan(300);
    expect(await page.locator('[data-chart="by-source"] canvas').count()).toBe(1);

    expect(foreign, 'requests outside the gateway').toEqual([]);
    expect(await violations(), 'Content-Security-Policy violations').toEqual([]);
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  it('shows a partner NGO volunteer fewer records than the operations dashboard: exactly what the graph releases to each', { timeout: 180_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const cleared = await expectedFor('operations-dashboard');
    const restricted = await expectedFor('prcs-volunteer');
    // The oracle itself must show the difference, or the comparison below would prove nothing.
    expect(restricted.records).toBeLessThan(cleared.records);
    expect(restricted.located).toBe(0); // exact locations: nation-cleared principals only (policy sensitive-location)
    expect(cleared.located).toBeGreaterThan(0);

    for (const [principal, expected] of [
      ['operations-dashboard', cleared],
      ['prcs-volunteer', restricted],
    ] as const) {
      const { page, pageErrors } = await openAs(principal);
      await expect.poll(() => page.locator('[data-record]').count(), POLL).toBe(expected.records);
      await expect.poll(() => page.locator('svg path.floor-incident').count(), POLL).toBe(expected.located);
      // Only unclassified records for the volunteer (UNCLASSIFIED clearance), each marked as such.
      if (principal === 'prcs-volunteer') {
        const classifications = await page.locator('[data-record] .marking').evaluateAll((badges) => badges.map((badge) => badge.getAttribute('data-classification')));
        expect(new Set(classifications)).toEqual(new Set(['UNCLASSIFIED']));
      }
      expect(pageErrors).toEqual([]);
    }
  });

  // Last: it stops a subgraph of the shared stack.
  it('names a working group that is down, from the errors the gateway returns, instead of showing an empty panel', { timeout: 180_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const coordination = stack.subgraphs.coordination;
    await coordination.close();
    // The stack closes its subgraphs when it stops; this one is closed already.
    Object.assign(stack.subgraphs, { coordination: { ...coordination, close: async () => undefined } });

    const { page, pageErrors } = await openAs('operations-dashboard');
    // Each governorate's open requests say which working group failed and how (serviceName, code), nothing is blank.
    await expect.poll(() => page.locator('article.floor-area [data-problem="coordination"]').count(), POLL).toBe(GOVERNORATES.length);
    expect(await page.locator('article.floor-area [data-problem="coordination"]').first().textContent()).toMatch(/^Unavailable — coordination working group · [A-Z_]+: /);
    expect((await page.locator('.floor-problems .floor-unavailable').allTextContents()).join('\n')).toContain('coordination working group');
    // The other working groups' parts are still there.
    expect(await page.locator('[data-record^="facility:"]').count()).toBeGreaterThan(0);
    expect(await page.locator('svg path.floor-governorate').count()).toBe(GOVERNORATES.length);
    expect(pageErrors).toEqual([]);
  });
});

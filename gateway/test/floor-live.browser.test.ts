/**
 * The floor's live feed in headless Chromium: an incident reported through the gateway (mutation reportIncident)
 * appears on the open floor's map and in its feed within seconds, over the gateway's GraphQL-over-WebSocket endpoint
 * (subscription incidentUpdated). Needs the federated subscriptions of issue 17 (points 2-3) wired end to end: the
 * supergraph has `incidentUpdated`, and the test stack's gateway serves subscriptions fed by the subgraphs' change
 * events (`gateway.subscriptions`, WebSocket upgrades on its server). Until then the test skips, saying which is
 * missing. Without Chromium it skips too; under REQUIRE_SERVICES=1 (CI) a missing Chromium fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@cmcc/test-support/browser';

/** "Within seconds": the event must be on the map well inside this, even on a loaded machine. */
const LIVE = { timeout: 15_000 };
const POLL = { timeout: 30_000 };
const SUBSCRIPTIONS = /\bincidentUpdated\b/.test(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8'));
/** A security editor of the CMCC (nation-cleared, so the incident's exact location is released to the floor's principal too). */
const EDITOR = { sub: 'floor-live-editor', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['editor'], scope: 'read:* write:security', wg: ['security'], cmcc: true };

if (!SUBSCRIPTIONS) console.warn('Skipping the floor live browser test: the supergraph has no Subscription.incidentUpdated yet (issue 17, points 2-3)');

describe.skipIf(!SUBSCRIPTIONS)('the floor live feed in headless Chromium', () => {
  let available = false;
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    available = chromiumAvailable('the floor live browser test');
    if (!available) return;
    [stack, browser] = await Promise.all([startStack(), chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('an incident mutation appears on the map within seconds', { timeout: 180_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    if (!(stack.gateway as { subscriptions?: unknown }).subscriptions) {
      console.warn('Skipping the floor live browser test: the test stack’s gateway serves no subscriptions (no change event feed wired in test/support/stack.ts)');
      return test.skip('the test stack serves no subscriptions yet');
    }
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.gatewayUrl}/floor`);
    await expect.poll(() => page.locator('#floor-role option').count(), POLL).toBeGreaterThan(1);
    await page.locator('#floor-role').selectOption('operations-dashboard');
    await expect.poll(() => page.locator('#floor').getAttribute('data-state'), POLL).toBe('ready');
    await expect.poll(() => page.locator('.floor-feed-status').getAttribute('data-state'), POLL).toBe('live');

    const report = async (locationName: string): Promise<string> => {
      const reported = await stack.query(
        `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { id } userErrors { field code message } } }`,
        {
          input: {
            eventDate: new Date().toISOString().slice(0, 10),
            eventType: 'RIOTS',
            subEventType: 'MOB_VIOLENCE',
            actor1: 'Rioters (Palestine)',
            areaPcode: 'PS0265',
            locationName,
            latitude: 31.42,
            longitude: 34.35,
            affectsAid: false,
            source: 'SYNTHETIC',
            marking: { classification: 'RESTRICTED', releasableTo: ['USA'], tlp: 'AMBER', originator: 'USA' },
          },
        },
        EDITOR,
      );
      expect(reported.errors, JSON.stringify(reported.errors)).toBeUndefined();
      expect(reported.data.reportIncident.userErrors).toEqual([]);
      return reported.data.reportIncident.incident.id as string;
    };
    // The gateway opens the security subgraph's event stream with the first subscription to it: an incident written in
    // the moment before that stream is open is no event for this page. Warm up until one arrives, then measure.
    for (let attempt = 1; ; attempt++) {
      const warmUp = await report(`Floor live test, warm-up ${attempt}`);
      const arrived = await page
        .locator(`[data-live="incident:${warmUp}"]`)
        .waitFor({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      if (arrived) break;
      expect(attempt, 'no live incident reached the page after 6 reports').toBeLessThan(6);
    }
    const id = await report('Floor live test');

    await expect.poll(() => page.locator(`svg path.floor-incident[data-incident="${id}"]`).count(), LIVE).toBe(1);
    await expect.poll(() => page.locator(`[data-live="incident:${id}"]`).count(), LIVE).toBe(1);
    expect(await page.locator(`[data-live="incident:${id}"] .marking`).getAttribute('data-classification')).toBe('RESTRICTED');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

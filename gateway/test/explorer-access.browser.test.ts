/**
 * The explorer in headless Chromium, as each kind of principal uses it (issue 20, points 1 and 3).
 *
 * Saved operations as shipped: signed in through the role picker as every principal the explorer offers, the reader
 * opens every saved operation from the Saved operations panel and runs it unchanged. It must answer without any error,
 * unless the test's own statement below (REFUSALS, from the schema's authorization directives and the gateway's default
 * policy as docs/security.md states them, not from the code under test) says the principal is refused part or all of
 * it; then the answer must carry exactly those refusals, and the panel must have said so before it ran, listing an
 * operation refused as a whole apart from those the principal may run.
 *
 * The audit view (/explorer/audit): a reader without audit:read is told so; an auditor finds an operation another
 * principal ran by filtering on that principal (a form made from the schema), opens it with the keyboard, sees its
 * variables and document (or that it is redacted for them), pages with the cursor, and sees the chain verified with its
 * last signed checkpoint, each compared with what the gateway returns to the auditor. With UPDATE_SCREENSHOTS=1 the
 * view is saved to docs/images/audit-view.png. Nothing is loaded from outside the gateway and the page's policy is never
 * breached. Without Chromium the tests skip, saying so; under REQUIRE_SERVICES=1 (CI) they fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSIFICATIONS, type Classification } from '@cmcc/contracts';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { DEV_PRINCIPALS } from '@cmcc/gateway/auth/dev-keys';
import { startStack, type TestStack } from '@cmcc/test-support/stack';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from '@cmcc/test-support/browser';

/** The page works in the browser while other test files load the machine: wait generously for what it shows. */
const POLL = { timeout: 30_000 };
const OPERATIONS_DIR = path.join(PROJECT_ROOT, 'schema', 'operations');
const SAVED = fs
  .readdirSync(OPERATIONS_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => file.replace(/\.graphql$/, ''))
  .sort();
const read = (name: string) => fs.readFileSync(path.join(OPERATIONS_DIR, `${name}.graphql`), 'utf8');
const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'images', 'audit-view.png');

type Claims = Record<string, unknown>;
const scopesOf = (claims: Claims) => String(claims.scope ?? '').split(/\s+/);
const rank = (clearance: unknown) => CLASSIFICATIONS.indexOf(clearance as Classification);

/**
 * Who is refused what in the saved operations, and why. `whole`: every root field is refused, so nothing comes back
 * and the explorer lists the operation apart ("Refused to you"); otherwise the listed fields come back null, one error
 * each, and the rest of the answer is there. Every saved operation not named here runs without error for everyone.
 */
const REFUSALS: readonly { operations: string[]; coordinates: string[]; refusedTo: (claims: Claims) => boolean; why: RegExp; whole: boolean }[] = [
  // The audit trail is for auditors: every field of the audit subgraph is @requiresScopes(scopes: [["audit:read"]]).
  { operations: ['AuditChainStatus'], coordinates: ['Query.auditChainStatus'], refusedTo: (c) => !scopesOf(c).includes('audit:read'), why: /scope audit:read/, whole: true },
  {
    operations: ['AuditEventsForOperation', 'AuditTimeline'],
    coordinates: ['Query.auditEvents'],
    refusedTo: (c) => !scopesOf(c).includes('audit:read'),
    why: /scope audit:read/,
    whole: true,
  },
  // Exact locations are @policy(policies: [["sensitive-location"]]): acting for a nation and cleared RESTRICTED or higher
  // (docs/security.md); partner organisations without a nation get the map without them.
  {
    operations: ['FloorMap'],
    coordinates: ['SecurityIncident.latitude', 'SecurityIncident.longitude', 'DisplacementSite.latitude', 'DisplacementSite.longitude'],
    refusedTo: (c) => !c.nation || rank(c.clearance) < rank('RESTRICTED'),
    why: /policy sensitive-location \(acting for a nation, cleared RESTRICTED or higher\)/,
    whole: false,
  },
];

interface Opened {
  context: BrowserContext;
  page: Page;
  foreign: string[];
  pageErrors: string[];
  violations(): Promise<string[]>;
}

describe('the explorer for every kind of principal, and its audit view', () => {
  let available = false;
  let stack: TestStack;
  let browser: Browser;
  const opened: Opened[] = [];

  beforeAll(async () => {
    available = chromiumAvailable('the explorer access browser tests');
    if (!available) return;
    [stack, browser] = await Promise.all([
      // A signed checkpoint every ten events, so the audit view has one to show.
      startStack({ env: { AUDIT_CHECKPOINT_EVERY: '10' } }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A fresh browser profile at `pathname`: every request outside the gateway blocked and counted, policy breaches recorded. */
  async function open(pathname: string, viewport = { width: 1440, height: 900 }): Promise<Opened> {
    const origin = new URL(stack.gatewayUrl).origin;
    const context = await browser.newContext({ serviceWorkers: 'block', viewport });
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      foreign.push(url);
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(/.*/, (socket) => {
      foreign.push(socket.url());
      return socket.close();
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const record = `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`;
        ((window as unknown as { __violations: string[] }).__violations ??= []).push(record);
      });
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const response = await page.goto(`${stack.gatewayUrl}${pathname}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    const result: Opened = { context, page, foreign, pageErrors, violations: () => page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []) };
    opened.push(result);
    return result;
  }

  /** Signs in through the development role picker of the bar both views share. */
  async function signInAs(page: Page, principal: string): Promise<void> {
    await expect.poll(() => page.locator('#cmcc-role option').count(), POLL).toBeGreaterThan(1);
    await page.locator('#cmcc-role').selectOption(principal);
    await expect.poll(() => page.getByTestId('token-status').textContent(), POLL).toContain(String(DEV_PRINCIPALS[principal].sub));
  }

  async function expectClean(tab: Opened): Promise<void> {
    expect(tab.foreign, 'requests outside the gateway').toEqual([]);
    expect(await tab.violations(), 'Content-Security-Policy violations').toEqual([]);
    expect(tab.pageErrors, 'errors thrown in the page').toEqual([]);
  }

  it('runs every saved operation as shipped for every principal the explorer offers: no error, but the refusals the panel announced', { timeout: 900_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const tab = await open('/');
    const { page } = tab;
    // Every load of the page is a first visit (GraphiQL keeps its tabs in localStorage, and writes them as it unloads).
    await page.addInitScript(() => localStorage.removeItem('graphiql:tabState'));
    await expect.poll(() => page.locator('#cmcc-role option').count(), POLL).toBeGreaterThan(1);
    const offered = (await page.locator('#cmcc-role option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))).filter(Boolean);
    // The picker offers the development principals, one of each kind (gateway/src/auth/dev-keys.ts).
    expect(offered.sort()).toEqual(Object.keys(DEV_PRINCIPALS).sort());
    for (const refusal of REFUSALS) for (const operation of refusal.operations) expect(SAVED, `REFUSALS names ${operation}`).toContain(operation);

    const runs: string[] = [];
    for (const principal of offered) {
      const claims = { ...DEV_PRINCIPALS[principal] } as Claims;
      const subject = String(claims.sub);
      const expected = (operation: string) => REFUSALS.filter((refusal) => refusal.operations.includes(operation) && refusal.refusedTo(claims));
      const refusedWhole = SAVED.filter((operation) => expected(operation).some((refusal) => refusal.whole));

      // A first visit as this principal: the saved operations the principal may run are the tabs, the others are not.
      await signInAs(page, principal);
      await page.reload();
      await expect.poll(() => page.getByTestId('token-status').textContent(), POLL).toContain(subject);
      await expect.poll(() => page.locator('.graphiql-tab').count(), POLL).toBe(SAVED.length - refusedWhole.length);

      await page.locator('button[aria-label="Show Saved operations"]').click();
      await expect.poll(() => page.locator('.cmcc-saved-heading').first().textContent(), POLL).toBe(`Yours to run, as ${subject}`);
      const listed = await page.locator('.cmcc-saved [data-operation]').evaluateAll((buttons) => buttons.map((button) => (button as HTMLElement).dataset.operation ?? ''));
      expect([...listed].sort(), `${principal}: the panel lists every saved operation`).toEqual(SAVED);
      // Those refused as a whole come last, under their own heading.
      expect(listed.slice(listed.length - refusedWhole.length).sort(), principal).toEqual(refusedWhole);

      for (const operation of SAVED) {
        const refusals = expected(operation);
        const item = page.locator('.cmcc-saved li', { has: page.locator(`[data-operation="${operation}"]`) });
        // What the panel says before the operation runs.
        expect(await item.getAttribute('data-access'), `${operation} as ${principal}`).toBe(refusals.length === 0 ? 'full' : refusals.some((r) => r.whole) ? 'refused' : 'partial');
        if (refusals.length === 0) expect(await item.getByTestId('access-note').count()).toBe(0);
        for (const refusal of refusals) expect(await item.getByTestId('access-note').textContent(), `${operation} as ${principal}`).toMatch(refusal.why);

        // Opened from the panel and run unchanged.
        await item.locator(`[data-operation="${operation}"]`).click();
        await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), POLL).toContain(`query ${operation}`);
        const answered = page.waitForResponse(
          (response) => response.url().endsWith('/graphql') && new RegExp(`\\bquery ${operation}\\b`).test(JSON.parse(response.request().postData() ?? '{}').query ?? ''),
        );
        await page.locator('.graphiql-execute-button').click();
        const result = await (await answered).json();
        const label = `${operation} as ${principal}: ${JSON.stringify(result.errors)}`;
        if (refusals.length === 0) {
          expect(result.errors, `${label}\n${stack.logs.filter((line) => line.includes('"level":50')).join('\n')}`).toBeUndefined();
          expect(
            Object.values(result.data ?? {}).every((value) => value !== null),
            label,
          ).toBe(true);
        } else {
          for (const error of result.errors ?? []) expect(error.extensions?.code, label).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
          const coordinates = new Set((result.errors ?? []).map((error: { message: string }) => /\(([\w.]+)\)/.exec(error.message)?.[1]));
          expect([...coordinates].sort(), label).toEqual(refusals.flatMap((refusal) => refusal.coordinates).sort());
          // Refused as a whole: its root fields null. In part: the root fields there, the refused ones null inside them.
          const roots = refusals.flatMap((refusal) => refusal.coordinates).filter((coordinate) => coordinate.startsWith('Query.'));
          for (const root of roots) expect(result.data?.[root.slice('Query.'.length)] ?? null, label).toBeNull();
          if (roots.length === 0)
            expect(
              Object.values(result.data ?? {}).every((value) => value !== null),
              `${label}: the rest comes back`,
            ).toBe(true);
        }
        runs.push(`${principal}/${operation}`);
      }
    }
    expect(runs).toHaveLength(offered.length * SAVED.length);
    await expectClean(tab);
    console.info(`explorer: ${runs.length} saved-operation runs (${offered.length} principals × ${SAVED.length} operations) as shipped`);
  });

  it('tells a principal without audit:read that the audit view is for auditors, with nothing broken', { timeout: 120_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const tab = await open('/explorer/audit');
    const { page } = tab;
    expect(await page.title()).toContain('Audit trail');
    await expect.poll(() => page.getByTestId('audit-message').textContent(), POLL).toContain('Sign in');
    await signInAs(page, 'ocha-officer');
    await expect.poll(() => page.getByTestId('audit-message').textContent(), POLL).toContain('may not read the audit trail');
    const message = await page.getByTestId('audit-message').textContent();
    expect(message).toContain(String(DEV_PRINCIPALS['ocha-officer'].sub));
    expect(message).toContain('audit:read');
    expect(await page.locator('form.audit-filters').count()).toBe(0);
    expect(await page.locator('table.audit-events').count()).toBe(0);
    // The way back to the editor is the bar's other tab.
    expect(await page.getByRole('link', { name: 'Query editor' }).getAttribute('href')).toBe('/');
    expect(await page.getByRole('link', { name: 'Audit trail' }).getAttribute('aria-current')).toBe('page');
    await expectClean(tab);
  });

  it('lets an auditor find, filter, open and page through events, with the chain verified and its last signed checkpoint', { timeout: 300_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const auditor = { ...DEV_PRINCIPALS.auditor } as Claims;
    // Known events, run as other principals before the auditor looks: one the auditor is released in full, one
    // redacted for them (an answer with refusals leaves markings unknown), and thirty to page through.
    const engineer = { ...DEV_PRINCIPALS['deu-engineer'] } as Claims;
    const officer = { ...DEV_PRINCIPALS['ocha-officer'] } as Claims;
    const since = '2025-10-10T00:00:00Z';
    expect((await stack.query(read('SituationByGovernorate'), { since }, engineer)).errors).toBeUndefined();
    expect((await stack.query(read('FloorMap'), { since }, officer)).errors?.length).toBeGreaterThan(0);
    const prober = { sub: 'audit-view-prober', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true };
    for (let i = 0; i < 30; i++) await stack.query(`query AuditViewProbe { areas(level: GOVERNORATE) { pcode } }`, {}, prober);
    const timeline = read('AuditTimeline');
    const eventsOf = async (principal: string, after?: string) => (await stack.query(timeline, { filter: { principal }, first: 25, after }, auditor)).data.auditEvents;
    await expect.poll(async () => (await eventsOf('audit-view-prober')).edges.length, POLL).toBe(25);
    const [released] = (await eventsOf(String(engineer.sub))).edges.map((edge: any) => edge.node);
    expect(released.operation.name).toBe('SituationByGovernorate');
    expect(released.redacted).toBe(false);
    const [redacted] = (await eventsOf(String(officer.sub))).edges.map((edge: any) => edge.node);
    expect(redacted.operation.name).toBe('FloorMap');
    expect(redacted.redacted).toBe(true);

    const tab = await open('/explorer/audit');
    const { page } = tab;
    await signInAs(page, 'auditor');

    // The form: one labelled control per field of the schema's AuditEventFilter (read here from the supergraph).
    const filterInput = buildSchema(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8'), { assumeValidSDL: true }).getType('AuditEventFilter');
    const filterNames = Object.keys((filterInput as { getFields(): Record<string, unknown> }).getFields());
    await expect.poll(() => page.locator('form.audit-filters .audit-fields > [data-filter]').count(), POLL).toBe(filterNames.length);
    for (const name of filterNames) {
      const control = page.locator(`#audit-filter-${name}`);
      expect(await control.count(), name).toBe(1);
      // A field is named by its label; an input nested in the filter, or a choice of several values, by its legend.
      const group = (await control.evaluate((element) => element.tagName)) === 'FIELDSET';
      expect(await (group ? control.locator(':scope > legend') : page.locator(`label[for="audit-filter-${name}"]`)).count(), `${name} is labelled`).toBe(1);
    }
    // Every control of the form has a label a screen reader announces.
    const unlabelled = await page
      .locator('form.audit-filters input, form.audit-filters select')
      .evaluateAll((controls) => controls.filter((control) => ((control as HTMLInputElement).labels?.length ?? 0) === 0).map((control) => control.outerHTML));
    expect(unlabelled).toEqual([]);
    expect(await page.locator('#audit-filter-from').getAttribute('type')).toBe('datetime-local');

    // The chain: verified intact, with the last signed checkpoint the gateway reports to the auditor.
    await expect.poll(() => page.getByTestId('chain-verdict').textContent(), POLL).toContain('Intact.');
    const status = (await stack.query(read('AuditChainStatus'), {}, auditor)).data.auditChainStatus;
    expect(status.ok).toBe(true);
    expect(status.lastCheckpoint).not.toBeNull();
    await page.getByRole('button', { name: 'Verify again' }).click();
    await expect.poll(() => page.getByTestId('last-checkpoint').textContent(), POLL).toMatch(/^seq \d+, /);
    const shownSeq = Number(/^seq (\d+)/.exec((await page.getByTestId('last-checkpoint').textContent()) ?? '')?.[1]);
    expect(shownSeq).toBeGreaterThanOrEqual(status.lastCheckpoint.seq);

    // Filter by the engineer (typed, then Enter): exactly the events the gateway lists for that principal.
    await page.getByLabel('Principal', { exact: true }).fill(String(engineer.sub));
    await page.getByLabel('Principal', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('tr[data-event]').first().getAttribute('data-event'), POLL).toBe(released.id);
    expect(await page.locator('tr[data-event]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.event))).toEqual(
      (await eventsOf(String(engineer.sub))).edges.map((edge: any) => edge.node.id),
    );
    expect(new URL(page.url()).searchParams.get('principal')).toBe(engineer.sub);
    const row = page.locator(`tr[data-event="${released.id}"]`);
    expect(await row.textContent()).toContain('query SituationByGovernorate');
    expect(await row.textContent()).toContain('OK · HTTP 200');

    // Opened with the keyboard: the details take the focus; its variables, document and fields as recorded.
    await page.locator(`#audit-open-${released.id}`).focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('#audit-detail');
    await expect.poll(() => detail.isVisible(), POLL).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('audit-detail-title');
    expect(await page.locator('#audit-detail-title').textContent()).toBe('query SituationByGovernorate');
    expect(JSON.parse((await detail.getByTestId('event-variables').textContent()) ?? '')).toEqual(JSON.parse(released.variables));
    expect(await detail.getByTestId('event-document').textContent()).toBe(released.operation.document);
    expect(await detail.textContent()).toContain('Query.areas');
    expect(await detail.getByTestId('redacted-notice').count()).toBe(0);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.info(`audit view: screenshot written to ${path.relative(PROJECT_ROOT, SCREENSHOT)}`);
    }
    // Escape closes them and gives the focus back to the event's row.
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count(), POLL).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe(`audit-open-${released.id}`);

    // An event redacted for this auditor says so, and shows none of its payload.
    await page.getByLabel('Principal', { exact: true }).fill(String(officer.sub));
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator(`tr[data-event="${redacted.id}"]`).count(), POLL).toBe(1);
    await page.locator(`#audit-open-${redacted.id}`).click();
    await expect.poll(() => detail.getByTestId('redacted-notice').isVisible(), POLL).toBe(true);
    expect(await detail.getByTestId('event-variables').count()).toBe(0);
    expect(await detail.getByTestId('event-document').count()).toBe(0);
    expect(await detail.textContent()).toContain('withheld (redacted)');
    await detail.getByRole('button', { name: 'Close the event' }).click();

    // Paging with the cursor: 25 of the prober's 30 events, then the 5 older ones, then back.
    await page.getByLabel('Principal', { exact: true }).fill(prober.sub);
    await page.getByRole('button', { name: 'Search' }).click();
    const firstPage = await eventsOf(prober.sub);
    await expect.poll(() => page.locator('tr[data-event]').first().getAttribute('data-event'), POLL).toBe(firstPage.edges[0].node.id);
    expect(await page.locator('tr[data-event]').count()).toBe(25);
    await page.getByRole('button', { name: 'Older →' }).click();
    const secondPage = await eventsOf(prober.sub, firstPage.pageInfo.endCursor);
    expect(secondPage.edges).toHaveLength(5);
    await expect.poll(() => page.locator('tr[data-event]').count(), POLL).toBe(5);
    expect(await page.locator('tr[data-event]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.event))).toEqual(
      secondPage.edges.map((edge: any) => edge.node.id),
    );
    expect(await page.getByTestId('timeline-status').textContent()).toContain('Events 26–30');
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(() => page.locator('tr[data-event]').count(), POLL).toBe(25);

    // A bad value is said at the form, and the view keeps working. (Nation is among the "More filters", opened with the keyboard.)
    await page.locator('details.audit-more > summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Nation', { exact: true }).isVisible(), POLL).toBe(true);
    await page.getByLabel('Nation', { exact: true }).fill('Germany');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('timeline-error').textContent(), POLL).toContain('BAD_USER_INPUT');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('tr[data-event]').count(), POLL).toBeGreaterThan(0);

    await expectClean(tab);
  });

  it('makes a filter the audit subgraph adds to AuditEventFilter a field of the form, with no change to the page', { timeout: 120_000 }, async (test) => {
    if (!available) return test.skip('Chromium is not installed');
    const tab = await open('/explorer/audit');
    const { page } = tab;
    // The schema as it would be with one more filter: the answer to the form's introspection, given one more field.
    await page.route('**/graphql', async (route) => {
      if (!(route.request().postData() ?? '').includes('AuditEventFilterFields')) return route.continue();
      const answer = await (await route.fetch()).json();
      answer.data.__type.inputFields.push({
        name: 'outcomeStatus',
        description: 'Only events that ended so.',
        defaultValue: null,
        type: { kind: 'ENUM', name: 'AuditOutcomeStatus', enumValues: ['OK', 'PARTIAL', 'FAILED'].map((name) => ({ name, description: null })), ofType: null },
      });
      return route.fulfill({ json: answer });
    });
    await signInAs(page, 'auditor');
    const select = page.getByLabel('Outcome status', { exact: true });
    await expect.poll(() => select.count(), POLL).toBe(1);
    expect(await select.locator('option').allTextContents()).toEqual(['Any', 'OK', 'PARTIAL', 'FAILED']);
    await expectClean(tab);
  });
});

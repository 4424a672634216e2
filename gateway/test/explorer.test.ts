/**
 * The explorer without a browser: what `GET /` and the audit view at `GET /explorer/audit` serve, their headers, that
 * everything the page and its stylesheet refer to is same-origin, the saved operations and which of them a principal's
 * rights let run, the audit view's filter form made from introspection, and the Sandbox and off settings. The gateway
 * runs alone on the committed supergraph (no subgraph is called). The browser tests are explorer.browser.test.ts and
 * explorer-access.browser.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractRequirements, type Principal } from '@cmcc/contracts';
import { ConfigError, close, listen, createLogger } from '@cmcc/platform';
import { signDevToken } from '../src/auth/dev-keys.ts';
import { DEFAULT_POLICIES, loadGatewayConfig } from '../src/config.ts';
import { assessOperation } from '../src/explorer/access.ts';
import { filterFields, filterVariable, labelFor, type IntrospectedInputField } from '../src/explorer/client/audit-filter.ts';
import { extractDataUrls } from '../src/explorer/bundle.ts';
import { OPERATIONS_DIR } from '../src/explorer/operations.ts';
import { SANDBOX_FRAME_ORIGIN, SANDBOX_SCRIPT_ORIGIN } from '../src/explorer/pages.ts';
import { createGateway } from '../src/server.ts';

interface RunningGateway {
  url: string;
  logs: string[];
  /** A development token for these claims, signed with this gateway's development key. */
  token(claims: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-explorer-'));
  const config = loadGatewayConfig({ DATA_DIR: dir, SUBGRAPH_SHARED_SECRET: 'explorer-test-secret-of-at-least-32-characters', ...env });
  const logs: string[] = [];
  const gateway = await createGateway(config, createLogger('gateway', 'info', { write: (line: string) => void logs.push(line) }));
  const { server, url } = await listen(gateway.handler, 0);
  return {
    url,
    logs,
    token: (claims) => signDevToken(dir, claims),
    async stop() {
      await close(server);
      await gateway.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every URL an HTML page refers to (src, href), and whether it has inline scripts, styles or style attributes. */
function references(html: string): { urls: string[]; inlineScripts: number; styleElements: number; styleAttributes: number } {
  const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1].replace(/&amp;/g, '&'));
  const inlineScripts = [...html.matchAll(/<script\b([^>]*)>/g)].filter((match) => !/\ssrc=/.test(match[1])).length;
  return { urls, inlineScripts, styleElements: (html.match(/<style\b/g) ?? []).length, styleAttributes: (html.match(/\sstyle=/g) ?? []).length };
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

describe('the explorer (GraphiQL, the default)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.stop());

  it('serves the page at GET / without a credential, with a CSP that forbids every remote load', async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const csp = directives(response.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'"]);
    expect(csp.get('font-src')).toEqual(["'self'"]);
    expect(csp.get('worker-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // Styles: the gateway and this response's nonce only (for styles a library adds at run time); never unsafe-inline.
    const style = csp.get('style-src') ?? [];
    expect(style[0]).toBe("'self'");
    expect(style.slice(1)).toEqual([expect.stringMatching(/^'nonce-[A-Za-z0-9+/=]{16,}'$/)]);
    const all = [...csp.values()].flat();
    expect(all.filter((source) => /unsafe|https?:|data:|blob:|\*/.test(source))).toEqual([]);

    const html = await response.text();
    const { urls, inlineScripts, styleElements, styleAttributes } = references(html);
    expect({ inlineScripts, styleElements, styleAttributes }).toEqual({ inlineScripts: 0, styleElements: 0, styleAttributes: 0 });
    expect(urls.length).toBeGreaterThanOrEqual(3); // icon, stylesheet, script
    for (const reference of urls) expect(new URL(reference, gateway.url).origin, reference).toBe(gateway.url);
    // A new nonce for every page.
    const again = await fetch(`${gateway.url}/`);
    expect(again.headers.get('content-security-policy')).not.toBe(response.headers.get('content-security-policy'));
  });

  it('serves every file the page and its stylesheet refer to from the gateway, hashed and cached for good', async () => {
    const html = await (await fetch(`${gateway.url}/`)).text();
    const urls = references(html).urls.map((reference) => new URL(reference, gateway.url));
    const script = urls.find((url) => url.pathname.endsWith('.js'))!;
    const stylesheet = urls.find((url) => url.pathname.endsWith('.css'))!;
    expect(script.pathname).toMatch(/^\/explorer\/assets\/explorer-[0-9a-f]{12}\.js$/);

    const js = await fetch(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(js.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and unpacks it
    expect((await js.text()).length).toBeGreaterThan(100_000);

    const css = await fetch(stylesheet);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const text = await css.text();
    expect(text).toContain('.graphiql-container');
    expect(text).not.toMatch(/@import/);
    const cssUrls = [...text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((match) => match[1]);
    expect(cssUrls.length).toBeGreaterThan(0); // GraphiQL's fonts, written out of its data: URLs
    for (const reference of new Set(cssUrls)) {
      const url = new URL(reference, stylesheet);
      expect(url.origin, reference).toBe(gateway.url);
      const file = await fetch(url);
      expect(file.status, reference).toBe(200);
      expect(file.headers.get('content-type'), reference).toMatch(/^(font|image)\//);
      await file.arrayBuffer();
    }

    const missing = await fetch(`${gateway.url}/explorer/assets/explorer-000000000000.js`);
    expect(missing.status).toBe(404);
  });

  it('lists the saved operations of schema/operations/ with example variables', async () => {
    const response = await fetch(`${gateway.url}/explorer/operations.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const { operations, problems } = (await response.json()) as { operations: any[]; problems: string[] };
    expect(problems).toEqual([]);
    const files = fs
      .readdirSync(OPERATIONS_DIR)
      .filter((file) => file.endsWith('.graphql'))
      .sort();
    expect(operations.map((operation) => operation.file)).toEqual(files.map((file) => `schema/operations/${file}`));
    const situation = operations.find((operation) => operation.name === 'SituationByGovernorate');
    expect(situation).toMatchObject({
      type: 'query',
      variableDefinitions: [{ name: 'since', type: 'DateTime!' }],
      variables: { since: '2025-10-10T00:00:00Z' },
    });
    expect(situation.document).toBe(fs.readFileSync(path.join(OPERATIONS_DIR, 'SituationByGovernorate.graphql'), 'utf8'));
    expect(situation.description).toContain('canonical dashboard query');
  });

  it('leaves GraphQL as it was: credentials required, other paths and methods not found', async () => {
    const graphql = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(graphql.status).toBe(401);
    expect((await fetch(`${gateway.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    expect((await fetch(`${gateway.url}/explorer/nothing`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const head = await fetch(`${gateway.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('serves the audit view at /explorer/audit from the same bundle, with the same policy, as a tab beside the editor', async () => {
    const response = await fetch(`${gateway.url}/explorer/audit`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = directives(response.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    const html = await response.text();
    expect(html).toContain('data-view="audit"');
    expect(html).toContain('<title>Audit trail — CMCC Supergraph explorer</title>');
    const { urls, inlineScripts, styleElements, styleAttributes } = references(html);
    expect({ inlineScripts, styleElements, styleAttributes }).toEqual({ inlineScripts: 0, styleElements: 0, styleAttributes: 0 });
    // The same script and stylesheet as the editor's page.
    const editor = references(await (await fetch(`${gateway.url}/`)).text()).urls;
    expect(urls.filter((url) => url.startsWith('/explorer/assets/')).sort()).toEqual(editor.filter((url) => url.startsWith('/explorer/assets/')).sort());
    expect(html).toContain('data-editor="/"');
    expect(html).toContain('data-audit="/explorer/audit"');
  });

  it('tells a signed-in principal which saved operations its rights refuse, wholly or in part, and why', async () => {
    const list = async (token?: string) => {
      const response = await fetch(`${gateway.url}/explorer/operations.json`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect(response.status).toBe(200);
      return { cache: response.headers.get('cache-control'), body: (await response.json()) as { principal?: string; operations: any[] } };
    };
    const byName = (operations: any[]) => Object.fromEntries(operations.map((operation) => [operation.name, operation.access]));

    // Without a credential (a loopback caller in development) nothing is said about anyone's rights.
    const anonymous = await list();
    expect(anonymous.body.principal).toBeUndefined();
    expect(anonymous.body.operations.every((operation) => operation.access === undefined)).toBe(true);
    expect(anonymous.cache).toBe('no-cache');

    const auditor = await list(await gateway.token({ sub: 'auditor', nation: 'USA', org: 'CMCC', clearance: 'CONFIDENTIAL', roles: ['auditor'], scope: 'audit:read', cmcc: true }));
    expect(auditor.body.principal).toBe('auditor');
    expect(auditor.cache).toBe('private, no-cache');
    for (const [name, access] of Object.entries(byName(auditor.body.operations))) expect(access, name).toEqual({ runnable: 'full', refused: [] });

    // A partner organisation's officer: no audit trail, and the map without exact locations.
    const officer = byName(
      (await list(await gateway.token({ sub: 'cmcc-hum-lead', org: 'XM-DAC-41127', clearance: 'UNCLASSIFIED', roles: ['member'], cmcc: true }))).body.operations,
    );
    expect(officer.AuditTimeline).toEqual({ runnable: 'refused', refused: [{ coordinate: 'Query.auditEvents', path: 'auditEvents', needs: 'scope audit:read' }] });
    expect(officer.AuditChainStatus.runnable).toBe('refused');
    expect(officer.FloorMap.runnable).toBe('partial');
    expect(officer.FloorMap.refused.map((refusal: any) => `${refusal.path} ${refusal.coordinate}`).sort()).toEqual([
      'displacementSites.edges.node.latitude DisplacementSite.latitude',
      'displacementSites.edges.node.longitude DisplacementSite.longitude',
      'incidents.edges.node.latitude SecurityIncident.latitude',
      'incidents.edges.node.longitude SecurityIncident.longitude',
    ]);
    expect(new Set(officer.FloorMap.refused.map((refusal: any) => refusal.needs))).toEqual(
      new Set(['policy sensitive-location (acting for a nation, cleared RESTRICTED or higher)']),
    );
    expect(officer.SituationByGovernorate).toEqual({ runnable: 'full', refused: [] });
    expect(officer.AuditEventFilterFields).toEqual({ runnable: 'full', refused: [] });

    // A token the gateway does not accept: the list, without a word about rights.
    const forged = await list('not-a-token');
    expect(forged.body.principal).toBeUndefined();
  });

  it('builds the bundle once and keeps it in the data folder for the next start', () => {
    const ready = gateway.logs.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'explorer bundle ready');
    expect(ready).toHaveLength(1);
    expect(ready[0].bytes.script).toBeGreaterThan(100_000);
  });
});

describe('GATEWAY_EXPLORER=sandbox', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_EXPLORER: 'sandbox' });
  });
  afterAll(() => gateway?.stop());

  it("serves Apollo's embedded Sandbox with a CSP that allows Apollo's CDN and frame and nothing else remote", async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = directives(response.headers.get('content-security-policy') ?? '');
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", SANDBOX_SCRIPT_ORIGIN]);
    expect(csp.get('frame-src')).toEqual([SANDBOX_FRAME_ORIGIN]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    const remote = [...csp.entries()].filter(([name]) => name !== 'script-src' && name !== 'frame-src').flatMap(([, sources]) => sources);
    expect(remote.filter((source) => /unsafe|https?:|data:|\*/.test(source))).toEqual([]);
    const html = await response.text();
    const { urls, inlineScripts, styleElements } = references(html);
    expect({ inlineScripts, styleElements }).toEqual({ inlineScripts: 0, styleElements: 0 });
    for (const reference of urls) expect([gateway.url, SANDBOX_SCRIPT_ORIGIN]).toContain(new URL(reference, gateway.url).origin);
    expect(urls.some((reference) => reference.startsWith(`${SANDBOX_SCRIPT_ORIGIN}/`))).toBe(true);
    const script = await fetch(`${gateway.url}/explorer/sandbox.js`);
    expect(await script.text()).toContain('EmbeddedSandbox');
    expect((await fetch(`${gateway.url}/explorer/operations.json`)).status).toBe(200);
    expect(gateway.logs.some((line) => line.includes('Apollo Sandbox'))).toBe(true);
    // The audit view beside the Sandbox is the bundled one, under the same-origin policy.
    const audit = await fetch(`${gateway.url}/explorer/audit`);
    expect(audit.status).toBe(200);
    expect(directives(audit.headers.get('content-security-policy') ?? '').get('script-src')).toEqual(["'self'"]);
    expect(await audit.text()).toContain('data-view="audit"');
  });
});

describe('GATEWAY_EXPLORER=off', () => {
  it('serves nothing at /', async () => {
    const gateway = await startGateway({ GATEWAY_EXPLORER: 'off' });
    try {
      expect((await fetch(`${gateway.url}/`)).status).toBe(404);
      expect((await fetch(`${gateway.url}/explorer/operations.json`)).status).toBe(404);
      expect((await fetch(`${gateway.url}/explorer/audit`)).status).toBe(404);
    } finally {
      await gateway.stop();
    }
  });
});

describe('explorer configuration and bundle helpers', () => {
  it('defaults to graphiql and reports a bad GATEWAY_EXPLORER with the other problems', () => {
    expect(loadGatewayConfig({}).explorer).toBe('graphiql');
    expect(loadGatewayConfig({ GATEWAY_EXPLORER: 'sandbox' }).explorer).toBe('sandbox');
    let error: unknown;
    try {
      loadGatewayConfig({ GATEWAY_EXPLORER: 'playground', GATEWAY_PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
    expect((error as ConfigError).message).toContain('GATEWAY_EXPLORER must be graphiql, sandbox or off, got "playground"');
  });

  it('writes data: URLs of a stylesheet out as files', () => {
    const written: [string, string][] = [];
    const css = extractDataUrls(
      `a{background:url("data:image/png;base64,iVBORw0KGgo=")} @font-face{src:url(data:font/woff2;base64,d09GMgAB) format("woff2")} b{background:url(data:image/svg+xml,%3Csvg%3E%3C/svg%3E)} c{background:url(/x.png)}`,
      (type, body) => {
        written.push([type, body.toString('latin1')]);
        return `/assets/${written.length}`;
      },
    );
    expect(css).toBe(`a{background:url(/assets/1)} @font-face{src:url(/assets/2) format("woff2")} b{background:url(/assets/3)} c{background:url(/x.png)}`);
    expect(written.map(([type]) => type)).toEqual(['image/png', 'font/woff2', 'image/svg+xml']);
    expect(written[2][1]).toBe('<svg></svg>');
  });
});

describe("the audit view's filter form, from AuditEventFilter's introspection", () => {
  const string = { kind: 'SCALAR', name: 'String', ofType: null };
  const inputFields: IntrospectedInputField[] = [
    { name: 'principal', description: 'The principal.', type: string },
    { name: 'from', description: 'Only events at or after this time.', type: { kind: 'SCALAR', name: 'DateTime' } },
    { name: 'entityKey', description: null, type: string },
    // Fields another engineer may add: an enum, a list of them, a number, a flag.
    { name: 'outcome', description: 'How it ended.', type: { kind: 'ENUM', name: 'AuditOutcomeStatus', enumValues: [{ name: 'OK' }, { name: 'FAILED' }] } },
    { name: 'errorCodes', type: { kind: 'LIST', ofType: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'String' } } } },
    { name: 'minDurationMs', type: { kind: 'SCALAR', name: 'Float' } },
    { name: 'redacted', type: { kind: 'SCALAR', name: 'Boolean' } },
    // An input nested in the filter, and a list of enum values.
    {
      name: 'marking',
      description: 'Records whose marking meets every criterion.',
      type: {
        kind: 'INPUT_OBJECT',
        name: 'AuditMarkingFilter',
        inputFields: [
          { name: 'tlp', type: { kind: 'ENUM', name: 'Tlp', enumValues: [{ name: 'GREEN' }, { name: 'AMBER' }] } },
          { name: 'releasableTo', type: string },
        ],
      },
    },
    {
      name: 'failureKinds',
      type: { kind: 'LIST', ofType: { kind: 'NON_NULL', ofType: { kind: 'ENUM', name: 'AuditFailureKind', enumValues: [{ name: 'FORBIDDEN' }, { name: 'INVALID' }] } } },
    },
  ];
  const fields = filterFields(inputFields);

  it('makes one field per input field, typed and labelled from the schema', () => {
    expect(fields.map(({ name, label, input, list, typeName }) => ({ name, label, input, list, typeName }))).toEqual([
      { name: 'principal', label: 'Principal', input: 'text', list: false, typeName: 'String' },
      { name: 'from', label: 'From', input: 'datetime', list: false, typeName: 'DateTime' },
      { name: 'entityKey', label: 'Entity key', input: 'text', list: false, typeName: 'String' },
      { name: 'outcome', label: 'Outcome', input: 'enum', list: false, typeName: 'AuditOutcomeStatus' },
      { name: 'errorCodes', label: 'Error codes', input: 'text', list: true, typeName: '[String!]' },
      { name: 'minDurationMs', label: 'Min duration ms', input: 'number', list: false, typeName: 'Float' },
      { name: 'redacted', label: 'Redacted', input: 'boolean', list: false, typeName: 'Boolean' },
      { name: 'marking', label: 'Marking', input: 'group', list: false, typeName: 'AuditMarkingFilter' },
      { name: 'failureKinds', label: 'Failure kinds', input: 'enum', list: true, typeName: '[AuditFailureKind!]' },
    ]);
    expect(fields[7].fields.map(({ key, input }) => ({ key, input }))).toEqual([
      { key: 'marking.tlp', input: 'enum' },
      { key: 'marking.releasableTo', input: 'text' },
    ]);
    expect(fields[3].enumValues.map((value) => value.name)).toEqual(['OK', 'FAILED']);
    expect(labelFor('operationName')).toBe('Operation name');
  });

  it('turns what was typed into the filter variable: empty fields left out, times as instants, lists split', () => {
    expect(filterVariable(fields, {})).toEqual({ filter: undefined, problems: [] });
    expect(filterVariable(fields, { principal: '  deu-engineer ', entityKey: '' })).toEqual({ filter: { principal: 'deu-engineer' }, problems: [] });
    const local = '2025-10-10T14:30';
    const { filter, problems } = filterVariable(fields, { from: local, outcome: 'FAILED', errorCodes: 'FORBIDDEN, BAD_USER_INPUT', minDurationMs: '2.5', redacted: 'false' });
    expect(problems).toEqual([]);
    expect(filter).toEqual({
      from: new Date(2025, 9, 10, 14, 30).toISOString(),
      outcome: 'FAILED',
      errorCodes: ['FORBIDDEN', 'BAD_USER_INPUT'],
      minDurationMs: 2.5,
      redacted: false,
    });
    // A nested input is sent only with something in it; a list of enum values as the checkboxes keep it.
    expect(filterVariable(fields, { 'marking.tlp': 'GREEN', failureKinds: 'FORBIDDEN,INVALID' }).filter).toEqual({
      marking: { tlp: 'GREEN' },
      failureKinds: ['FORBIDDEN', 'INVALID'],
    });
    expect(filterVariable(fields, { 'marking.tlp': '', 'marking.releasableTo': ' ' }).filter).toBeUndefined();
    expect(filterVariable(fields, { from: 'yesterday', minDurationMs: 'fast' }).problems).toEqual([
      'From: "yesterday" is not a date and time',
      'Min duration ms: "fast" is not a number',
    ]);
  });
});

describe('what a principal may run of a saved operation (explorer/access.ts)', () => {
  const sdl = fs.readFileSync(path.join(OPERATIONS_DIR, '..', 'supergraph.graphql'), 'utf8');
  const schema = buildSchema(sdl, { assumeValid: true, assumeValidSDL: true });
  const requirements = extractRequirements(sdl);
  const floorMap = fs.readFileSync(path.join(OPERATIONS_DIR, 'FloorMap.graphql'), 'utf8');
  const volunteer: Principal = {
    subject: 'prcs-volunteer',
    nation: null,
    organization: 'XI-CMCC-PRCS',
    workingGroups: ['humanitarian'],
    roles: ['member'],
    scopes: [],
    clearance: 'UNCLASSIFIED',
    participant: true,
  };

  it('names the fields withheld and the right each needs, as the authorize stage filters them', () => {
    const access = assessOperation(schema, floorMap, requirements, volunteer, { policies: DEFAULT_POLICIES, mode: 'filter' });
    expect(access.runnable).toBe('partial');
    expect(access.refused.map((refusal) => refusal.coordinate).sort()).toEqual([
      'DisplacementSite.latitude',
      'DisplacementSite.longitude',
      'SecurityIncident.latitude',
      'SecurityIncident.longitude',
    ]);
    expect(assessOperation(schema, floorMap, requirements, { ...volunteer, nation: 'EGY', clearance: 'RESTRICTED' }, { policies: DEFAULT_POLICIES, mode: 'filter' })).toEqual({
      runnable: 'full',
      refused: [],
    });
  });

  it('in reject mode, says the operation is refused whole and names nothing, as the gateway does', () => {
    expect(assessOperation(schema, floorMap, requirements, volunteer, { policies: DEFAULT_POLICIES, mode: 'reject' })).toEqual({ runnable: 'refused', refused: [] });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAuditStore } from '@cmcc/audit-trail';
import { PROJECT_ROOT } from '../src/composition.ts';
import { checkProposal, type CheckResult, type GraphState } from '../src/check.ts';
import { loadSavedOperations, loadTrafficOperations, type KnownOperation } from '../src/operations.ts';
import { entityOwners, findNonNullCrossSubgraphFields } from '../src/nullability.ts';
import { atLeastAsStrict } from '../src/protection.ts';
import { diffSchemas } from '../src/diff.ts';
import { buildSchema } from 'graphql';
import { repositoryState } from '../src/publish.ts';
import { formatCheck } from '../src/report.ts';

let current: GraphState;
let saved: KnownOperation[];
let security: string;

beforeAll(() => {
  current = repositoryState();
  saved = loadSavedOperations(path.join(PROJECT_ROOT, 'schema', 'operations'), PROJECT_ROOT);
  security = current.subgraphs.find((s) => s.name === 'security')!.sdl;
});

/** The security SDL with each `[from, to]` replaced; fails loudly when `from` is not in it (the test would prove nothing). */
function edited(...edits: [string, string][]): string {
  let sdl = security;
  for (const [from, to] of edits) {
    expect(sdl, `the security SDL contains ${from}`).toContain(from);
    sdl = sdl.replace(from, to);
  }
  return sdl;
}

function check(sdl: string, options: { operations?: KnownOperation[]; approvals?: { loosening?: string; breaking?: string } } = {}): Promise<CheckResult> {
  return checkProposal({ subgraph: 'security', sdl, current, operations: options.operations ?? saved, approvals: options.approvals });
}

const FATALITIES = '  "Reported deaths; null when the source gave no figure (not the same as zero)."\n  fatalities: Int\n';
/** SecurityIncident.citedSources (the input types have a field of that name too). */
const CITED_SOURCES = '  citedSources: String\n  "Who may see this record."';
const NOTES = '  "Free-text account of the incident; sensitive, released only with the record\'s marking."\n  notes: String\n';

describe('change classes', () => {
  it('passes an unchanged subgraph with no change at all', async () => {
    const result = await check(security);
    expect(result.ok).toBe(true);
    expect(result.changes).toEqual([]);
  });

  it('classifies additions, descriptions, deprecations and a field made non-null as safe, and passes', async () => {
    const result = await check(
      edited(
        ['  "Reported injured; null', '  "A probe field for the test."\n  probe: String\n  "Reported injured; null'],
        ['"Place name as reported (e.g. Northern Khan Younis)."', '"Place name as reported."'],
        [CITED_SOURCES, CITED_SOURCES.replace('citedSources: String', 'citedSources: String @deprecated(reason: "Use sources.")')],
        [
          '  "ACLED sub-event type, always one that belongs to the event type; null when not yet coded."\n  subEventType: IncidentSubEventType\n',
          '  "ACLED sub-event type, always one that belongs to the event type; null when not yet coded."\n  subEventType: IncidentSubEventType!\n',
        ],
      ),
    );
    const byType = Object.fromEntries(result.changes.map((c) => [`${c.type} ${c.coordinate}`, c.class]));
    expect(byType).toMatchObject({
      'FIELD_ADDED SecurityIncident.probe': 'safe',
      'FIELD_DESCRIPTION_CHANGED SecurityIncident.locationName': 'safe',
      'FIELD_DEPRECATION_ADDED SecurityIncident.citedSources': 'safe',
      'FIELD_TYPE_CHANGED SecurityIncident.subEventType': 'safe',
    });
    expect(result.summary.breaking).toBe(0);
    // The deprecation is reported once: the usage of @deprecated that GraphQL Inspector also lists restates it.
    expect(result.changes.filter((c) => c.coordinate === 'SecurityIncident.citedSources')).toHaveLength(1);
    expect(result.ok).toBe(true);
  });

  it('classifies an enum value added and an optional argument added as dangerous, reported without failing', async () => {
    const result = await check(
      edited(
        ['  "Shown not to have happened as reported."\n  REFUTED\n', '  "Shown not to have happened as reported."\n  REFUTED\n  "Withdrawn by the source."\n  RETRACTED\n'],
        [
          'incident("The incident\'s id, e.g. INC-0001." id: ID!)',
          'incident("The incident\'s id, e.g. INC-0001." id: ID!, "Include withdrawn incidents." withdrawn: Boolean = false)',
        ],
      ),
    );
    const dangerous = result.changes.filter((c) => c.class === 'dangerous').map((c) => `${c.type} ${c.coordinate}`);
    expect(dangerous).toEqual(expect.arrayContaining(['ENUM_VALUE_ADDED Verification.RETRACTED', 'FIELD_ARGUMENT_ADDED Query.incident(withdrawn:)']));
    expect(result.ok).toBe(true);
  });

  it('classifies a removed field and a changed argument type as breaking and fails without --allow-breaking', async () => {
    const result = await check(edited([NOTES, ''], ['incident("The incident\'s id, e.g. INC-0001." id: ID!)', 'incident("The incident\'s id, e.g. INC-0001." id: String!)']));
    const breaking = result.changes.filter((c) => c.class === 'breaking');
    expect(breaking.map((c) => `${c.type} ${c.coordinate} ${c.verdict}`)).toEqual(
      expect.arrayContaining(['FIELD_REMOVED SecurityIncident.notes blocking', 'FIELD_ARGUMENT_TYPE_CHANGED Query.incident(id:) blocking']),
    );
    expect(result.ok).toBe(false);
    expect(result.reasons.join(' ')).toContain('SecurityIncident.notes');
  });

  it('lets a breaking change through with --allow-breaking and records the reason', async () => {
    const result = await check(edited([NOTES, '']), { approvals: { breaking: 'CMCC-42: notes move to a report' } });
    expect(result.ok).toBe(true);
    expect(result.changes.find((c) => c.coordinate === 'SecurityIncident.notes')?.verdict).toBe('approved');
  });

  it('reports a composition error with its subgraph and location, and stops there', async () => {
    const result = await check(edited(['type SecurityIncident @key(fields: "id")', 'type SecurityIncident @key(fields: "nope")']));
    expect(result.ok).toBe(false);
    expect(result.composition.ok).toBe(false);
    expect(result.composition.problems[0]).toMatchObject({ subgraph: 'security' });
    expect(result.composition.problems[0].locations?.[0].line).toBeGreaterThan(0);
    expect(formatCheck(result, { against: 'the repository' })).toContain('Composition errors');
  });
});

describe('change coordinates and classes (GraphQL Inspector)', () => {
  const before = buildSchema(`
    directive @audited(level: Int, note: String) repeatable on FIELD_DEFINITION | OBJECT
    interface Node { id: ID! }
    type A implements Node { id: ID! gone: String kept(x: Int, y: Int = 1): String }
    type B { id: ID! }
    type Old { id: ID! }
    union U = A | B
    enum E { ONE TWO }
    input I { a: Int }
    type Query { a: A u: U e: E old: Old f(i: I): Int }
  `);
  const after = buildSchema(`
    directive @audited(level: Int) on FIELD_DEFINITION
    interface Node { id: ID! }
    type A { id: ID! kept(y: Int = 2, z: Int!): String added: Int }
    type B { id: ID! }
    type C { id: ID! }
    union U = B | C
    enum E { ONE THREE }
    input I { a: Int b: Int! c: String }
    type Query { a: A u: U e: E f(i: I): Int }
  `);

  it('names the element of every kind of change as a schema coordinate, with the class of its criticality', async () => {
    const found = (await diffSchemas(before, after)).map((c) => `${c.class} ${c.type} ${c.coordinate}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'breaking TYPE_REMOVED Old',
        'breaking FIELD_REMOVED A.gone',
        'breaking FIELD_REMOVED Query.old',
        'breaking FIELD_ARGUMENT_REMOVED A.kept(x:)',
        'breaking FIELD_ARGUMENT_ADDED A.kept(z:)',
        'breaking ENUM_VALUE_REMOVED E.TWO',
        'breaking UNION_MEMBER_REMOVED U',
        'breaking OBJECT_TYPE_INTERFACE_REMOVED A',
        'breaking INPUT_FIELD_ADDED I.b',
        'breaking DIRECTIVE_ARGUMENT_REMOVED @audited(note:)',
        'breaking DIRECTIVE_LOCATION_REMOVED @audited',
        'dangerous ENUM_VALUE_ADDED E.THREE',
        'dangerous UNION_MEMBER_ADDED U',
        'dangerous FIELD_ARGUMENT_DEFAULT_CHANGED A.kept(y:)',
        'safe TYPE_ADDED C',
        'safe FIELD_ADDED A.added',
      ]),
    );
    expect(found.every((line) => !line.endsWith(' ') && !line.includes('.@'))).toBe(true);
  });

  // Where GraphQL Inspector classifies differently from graphql-js's findBreakingChanges/findDangerousChanges (the
  // check's classes before it), Inspector's class is kept, because it is the right one for clients:
  it('classifies an optional input field added as safe: operations that do not send it behave as before (graphql-js: dangerous)', async () => {
    const changes = await diffSchemas(before, after);
    expect(changes.find((c) => c.coordinate === 'I.c')).toMatchObject({ class: 'safe', type: 'INPUT_FIELD_ADDED' });
  });

  it('classifies a directive losing `repeatable` as dangerous: only an operation repeating it breaks, and the known-operations check fails those (graphql-js: breaking)', async () => {
    const changes = await diffSchemas(before, after);
    expect(changes.find((c) => c.type === 'DIRECTIVE_REPEATABLE_REMOVED')).toMatchObject({ class: 'dangerous', coordinate: '@audited' });
  });
});

describe('the deprecation path', () => {
  it('passes the removal of a field deprecated in the current graph that no known operation uses', async () => {
    const deprecated = edited([CITED_SOURCES, CITED_SOURCES.replace('citedSources: String', 'citedSources: String @deprecated(reason: "Unused.")')]);
    current = (await checkProposal({ subgraph: 'security', sdl: deprecated, current, operations: saved })).proposed!;
    try {
      const result = await check(deprecated.replace(/ {2}"The sources the record cites[^\n]*\n {2}citedSources: String @deprecated\(reason: "Unused\."\)\n/, ''));
      const removal = result.changes.find((c) => c.coordinate === 'SecurityIncident.citedSources');
      expect(removal).toMatchObject({ class: 'breaking', verdict: 'deprecation path' });
      expect(result.ok).toBe(true);

      const stillUsed: KnownOperation = {
        origin: 'traffic',
        name: 'Sources',
        hash: 'h1',
        document: '{ incident(id: "INC-0001") { citedSources } }',
        clients: ['dashboard'],
        lastSeen: '2026-01-01T00:00:00Z',
        count: 3,
      };
      const used = await check(deprecated.replace(/ {2}"The sources the record cites[^\n]*\n {2}citedSources: String @deprecated\(reason: "Unused\."\)\n/, ''), {
        operations: [...saved, stillUsed],
      });
      expect(used.changes.find((c) => c.coordinate === 'SecurityIncident.citedSources')?.verdict).toBe('blocking');
      expect(used.ok).toBe(false);
    } finally {
      current = repositoryState();
    }
  });
});

describe('the deprecation path for enum values', () => {
  it('blocks the removal of a deprecated enum value while an operation reads fields of that enum (values are only returned)', async () => {
    const value = '  "Shown not to have happened as reported."\n  REFUTED\n';
    const deprecated = edited([value, '  "Shown not to have happened as reported."\n  REFUTED @deprecated(reason: "Use UNVERIFIED.")\n']);
    current = (await checkProposal({ subgraph: 'security', sdl: deprecated, current, operations: saved })).proposed!;
    try {
      const removed = deprecated.replace('  "Shown not to have happened as reported."\n  REFUTED @deprecated(reason: "Use UNVERIFIED.")\n', '');
      expect(removed).not.toBe(deprecated);
      // SituationByGovernorate selects SecurityIncident.verification: it still validates, but could receive REFUTED.
      const used = await check(removed);
      expect(used.operations.failures).toEqual([]);
      expect(used.changes.find((c) => c.coordinate === 'Verification.REFUTED')).toMatchObject({ class: 'breaking', verdict: 'blocking' });
      const unused = await check(removed, { operations: [] });
      expect(unused.changes.find((c) => c.coordinate === 'Verification.REFUTED')?.verdict).toBe('deprecation path');
    } finally {
      current = repositoryState();
    }
  });
});

describe('known operations', () => {
  it('fails the removal of a field the dashboard operations use, naming each operation, even with --allow-breaking', async () => {
    const result = await check(edited([FATALITIES, '']), { approvals: { breaking: 'we think nobody uses it' } });
    expect(result.ok).toBe(false);
    // The four dashboard operations read fatalities; each is named by its operation, not by a word of its comment.
    expect(result.operations.failures.map((f) => f.operation.name)).toEqual(['FloorMap', 'FloorOverview', 'OperationsFloorDashboard', 'SituationByGovernorate']);
    const situation = result.operations.failures.find((f) => f.operation.name === 'SituationByGovernorate')!;
    expect(situation.operation.file).toBe(path.join('schema', 'operations', 'SituationByGovernorate.graphql'));
    expect(situation.errors.join(' ')).toContain('fatalities');
    expect(formatCheck(result, { against: 'x' })).toContain('SituationByGovernorate');
  });

  describe('seen in traffic (the audit trail)', () => {
    let dir: string;
    let traffic: KnownOperation[];
    const event = (time: string, document: string, client: string, codes: string[] = []) =>
      JSON.stringify({ kind: 'event', seq: 1, time, client: { name: client, version: '1.2' }, operation: { name: 'Op', document }, outcome: { status: 'OK', errorCodes: codes } });

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-traffic-'));
      const recent = new Date(Date.now() - 86_400_000).toISOString();
      const lines = [
        event(recent, '{ incidents(first: 1) { edges { node { id injured } } } }', 'ops-dashboard'),
        event(new Date().toISOString(), '{ incidents(first: 1) { edges { node { id injured } } } }', 'liaison-app'),
        event('2020-01-01T00:00:00.000Z', '{ incidents(first: 1) { edges { node { id actor2 } } } }', 'old-client'),
        event(recent, '{ incidents(first: 1) { edges { node { id nope } } } }', 'broken', ['GRAPHQL_VALIDATION_FAILED']),
      ];
      fs.writeFileSync(path.join(dir, 'audit.jsonl'), `${lines.join('\n')}\n`);
      traffic = await loadTrafficOperations(new FileAuditStore(dir, null), new Date(Date.now() - 14 * 86_400_000));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads the window once per distinct document, with its clients, count and last use, and leaves out refused ones', async () => {
      expect(traffic).toHaveLength(1);
      expect(traffic[0]).toMatchObject({ origin: 'traffic', count: 2, clients: ['liaison-app@1.2', 'ops-dashboard@1.2'] });
    });

    it('fails a proposal that breaks an operation seen in traffic, and not one that breaks only an operation older than the window', async () => {
      const breaksRecent = await check(edited(['  "Reported injured; null when the source gave no figure (not the same as zero)."\n  injured: Int\n', '']), {
        operations: traffic,
        approvals: { breaking: 'test' },
      });
      expect(breaksRecent.ok).toBe(false);
      expect(breaksRecent.operations.failures[0].operation.clients).toEqual(['liaison-app@1.2', 'ops-dashboard@1.2']);
      const breaksOld = await check(edited(['  "The other actor or the target, if any (ACLED actor2). Sensitive: attribution may be contested."\n  actor2: String\n', '']), {
        operations: traffic,
        approvals: { breaking: 'test' },
      });
      expect(breaksOld.ok).toBe(true);
    });
  });
});

describe('loosening of protection', () => {
  it('refuses a field losing @policy, and accepts it only with --approve-loosening', async () => {
    const sdl = edited(['latitude: Float @policy(policies: [["sensitive-location"]])', 'latitude: Float']);
    const refused = await check(sdl);
    expect(refused.ok).toBe(false);
    expect(refused.loosenings).toEqual([expect.objectContaining({ coordinate: 'SecurityIncident.latitude', kind: 'POLICIES_LOOSENED', approved: false })]);
    expect(formatCheck(refused, { against: 'x' })).toContain('REFUSED');
    const approved = await check(sdl, { approvals: { loosening: 'SEC-7: coordinates are public now' } });
    expect(approved.ok).toBe(true);
    expect(approved.loosenings[0].approved).toBe(true);
  });

  it('refuses a type whose @requiresScopes gains an alternative scope, and accepts one that requires more', async () => {
    const looser = await check(
      edited(['type IsrObservation @requiresScopes(scopes: [["isr:read"]])', 'type IsrObservation @requiresScopes(scopes: [["isr:read"], ["isr:summary"]])']),
    );
    expect(looser.loosenings.map((l) => `${l.kind} ${l.coordinate}`)).toEqual(['SCOPES_LOOSENED IsrObservation']);
    expect(looser.ok).toBe(false);
    const stricter = await check(
      edited(['type IsrObservation @requiresScopes(scopes: [["isr:read"]])', 'type IsrObservation @requiresScopes(scopes: [["isr:read", "isr:secret"]])']),
    );
    expect(stricter.loosenings).toEqual([]);
    expect(stricter.ok).toBe(true);
  });

  it('compares scope requirements as OR-of-AND groups', async () => {
    expect(atLeastAsStrict([['a']], [['a', 'b']])).toBe(true);
    expect(atLeastAsStrict([['a', 'b']], [['a']])).toBe(false);
    expect(atLeastAsStrict([['a'], ['b']], [['b']])).toBe(true);
    expect(atLeastAsStrict([['a']], [['a'], ['c']])).toBe(false);
    expect(atLeastAsStrict([['a']], null)).toBe(false);
    expect(atLeastAsStrict(null, [['a']])).toBe(true);
  });

  it('refuses a type losing its marking field', async () => {
    const result = await check(edited(['  "Who may see this record; always SECRET."\n  marking: AccessMarking!\n', '']), { approvals: { breaking: 'test' } });
    expect(result.loosenings.map((l) => `${l.kind} ${l.coordinate}`)).toEqual(['MARKING_REMOVED IsrObservation.marking']);
    expect(result.ok).toBe(false);
  });
});

describe('nullability rule: a field crossing a subgraph boundary is nullable', () => {
  const INCIDENTS = '    after: ID\n  ): [SecurityIncident!]\n  """\n  The threat level';
  const INCIDENT_AREA = '  area: Area\n  "Place name as reported';

  it('holds in the repository graph, and every owner it finds is the one the type descriptions name', async () => {
    const result = await check(security);
    expect(result.nullability).toEqual([]);
    // Oracle: each subgraph's description of a type it does not own says "(owned by the <owner> subgraph)".
    const owners = entityOwners(current.subgraphs);
    const named = current.subgraphs.flatMap((s) => [...s.sdl.matchAll(/"[^"\n]*\(owned by the ([a-z-]+) subgraph\)[^"\n]*"\s*\ntype (\w+)/g)].map((m) => [m[2], m[1]]));
    expect(named.length).toBeGreaterThan(10);
    for (const [type, owner] of named) expect(owners.get(type), type).toBe(owner);
  });

  it("fails a field contributed to another subgraph's entity made non-null, saying which subgraph would take whose data down", async () => {
    const result = await check(edited([INCIDENTS, INCIDENTS.replace('[SecurityIncident!]\n', '[SecurityIncident!]!\n')]));
    expect(result.ok).toBe(false);
    expect(result.nullability.map((f) => `${f.kind} ${f.coordinate}`)).toEqual(['CONTRIBUTED_FIELD Area.incidents']);
    const report = formatCheck(result, { against: 'the repository' });
    expect(report).toContain('Area.incidents is contributed by security to Area, which civil-administration owns, and is non-null');
    expect(report).toContain('when security is down the null would run up');
    expect(result.reasons.join(' ')).toMatch(/non-null field\(s\) crossing a subgraph boundary: Area\.incidents\b/);
  });

  it("fails a field resolved through another subgraph's entity made non-null, naming the owner it depends on", async () => {
    const result = await check(edited([INCIDENT_AREA, INCIDENT_AREA.replace('area: Area\n', 'area: Area!\n')]));
    expect(result.ok).toBe(false);
    expect(result.nullability).toMatchObject([{ kind: 'ENTITY_REFERENCE', coordinate: 'SecurityIncident.area', subgraph: 'security', dependsOn: 'civil-administration' }]);
    expect(formatCheck(result, { against: 'the repository' })).toContain('when civil-administration is down');
  });

  it("fails a non-null root field, since it would null the other subgraphs' root fields of the same operation", async () => {
    const found = findNonNullCrossSubgraphFields([
      { name: 'places', sdl: 'type Query { places: [Place!]! place(id: ID!): Place } type Place @key(fields: "id") { id: ID! }' },
      { name: 'events', sdl: 'type Query { events: [Event!] } type Event @key(fields: "id") { id: ID! }' },
    ]);
    expect(found.map((f) => `${f.kind} ${f.coordinate} ${f.dependsOn}`)).toEqual(['ROOT_FIELD Query.places places']);
    expect(found[0]!.message).toContain('null would run up to `data`');
  });

  it("leaves the owner's own non-null fields, key fields and @external fields alone, and lets list items stay non-null", async () => {
    const found = findNonNullCrossSubgraphFields([
      { name: 'owner', sdl: 'type Query { place(id: ID!): Place } type Place @key(fields: "id") { id: ID! name: String! kind: String! tags: [String!]! }' },
      {
        name: 'adder',
        sdl: 'type Place @key(fields: "id") { id: ID! code: String! @external events: [Event!] score: Int! } type Event @key(fields: "id") { id: ID! where: Place! at: [Place!] }',
      },
    ]);
    expect(found.map((f) => `${f.kind} ${f.coordinate} ${f.dependsOn}`)).toEqual(['ENTITY_REFERENCE Event.where owner', 'CONTRIBUTED_FIELD Place.score adder']);
  });

  it('never makes a subgraph that extends an entity (or only references it) its owner, however many fields it adds', async () => {
    const owners = entityOwners([
      { name: 'small', sdl: 'type Place @key(fields: "id") { id: ID! name: String! }' },
      { name: 'extender', sdl: 'type Place @key(fields: "id") @extends { id: ID! a: Int b: Int c: Int }' },
      { name: 'extension', sdl: 'extend type Place @key(fields: "id") { id: ID! d: Int e: Int f: Int }' },
      { name: 'reference', sdl: 'type Place @key(fields: "id", resolvable: false) { id: ID! g: Int h: Int i: Int }' },
    ]);
    expect(owners.get('Place')).toBe('small');
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, MARKING_COLUMNS, markingToRow, type MarkingRow, type Principal } from '@cmcc/subgraph-kit';
import { releasedToPrincipal } from '@cmcc/test-support/releasability-oracle';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { civilAdministration } from '../src/server.ts';

/**
 * Governance and movements as DOMAIN.md states them: resolution 2803 (17 Nov 2025) endorsed the plan, welcomed the
 * Board of Peace as a transitional administration and authorised a temporary ISF; a Palestinian technocratic
 * committee is to run day-to-day services; what is decided and what is pending is dated data. The >425,000 count is
 * of south-to-north movements, never shown as people. Members of bodies are marked: who must NOT see one does not.
 */

let subgraph: TestSubgraph;

const principal = (over: Partial<Principal> & { subject: string }): Principal => ({
  nation: null,
  organization: null,
  workingGroups: [],
  roles: ['member'],
  scopes: [],
  clearance: 'UNCLASSIFIED',
  participant: true,
  ...over,
});
const USA_SECRET = principal({ subject: 'usa-secret', nation: 'USA', organization: 'CMCC', clearance: 'SECRET' });
const GBR_SECRET = principal({ subject: 'gbr-secret', nation: 'GBR', organization: 'CMCC', clearance: 'SECRET' });
const PARTNER_NGO = principal({ subject: 'prcs-volunteer', organization: 'XI-CMCC-PRCS' });
const OUTSIDER = principal({ subject: 'outsider', organization: 'XM-DAC-47066', participant: false });

beforeAll(async () => {
  subgraph = await startTestSubgraph(civilAdministration);
  // A member seat only US principals may know of: SECRET, NOFORN.
  const noforn = Object.values(markingToRow({ classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA', 'GBR'], originator: 'USA', recipients: [], caveats: ['NOFORN'] }));
  await insertRows(
    subgraph.db,
    'governing_body_member',
    ['id', 'body_id', 'nation', 'role', 'status', 'source', ...MARKING_COLUMNS],
    [['GBM-T-NOFORN', 'GB-BOARD-OF-PEACE', 'USA', 'Test seat', 'PENDING', 'SYNTHETIC', ...noforn]],
  );
});
afterAll(() => subgraph?.close());

const BODIES = `{ governingBodies { id name kind mandate legalBasis establishedOn source
  steps { step status decidedOn asOf decidedBy source } members { id nation organization { id } role status source } } }`;

describe('governing bodies after resolution 2803', () => {
  it('lists the Board of Peace, the ISF and the technocratic committee with their mandates and legal basis', async () => {
    const { data, errors } = await subgraph.execute(BODIES, undefined, PARTNER_NGO);
    expect(errors).toBeUndefined();
    const byId = Object.fromEntries(data.governingBodies.map((b: { id: string }) => [b.id, b]));
    expect(Object.keys(byId).sort()).toEqual(['GB-BOARD-OF-PEACE', 'GB-ISF', 'GB-TECHNOCRATIC-COMMITTEE']);
    expect(byId['GB-BOARD-OF-PEACE']).toMatchObject({ name: 'Board of Peace', kind: 'TRANSITIONAL_ADMINISTRATION', source: 'UNSC', establishedOn: null });
    expect(byId['GB-ISF']).toMatchObject({ kind: 'STABILIZATION_FORCE', source: 'UNSC' });
    expect(byId['GB-ISF'].mandate).toMatch(/temporary/i);
    expect(byId['GB-TECHNOCRATIC-COMMITTEE']).toMatchObject({ kind: 'TECHNOCRATIC_COMMITTEE' });
    expect(byId['GB-TECHNOCRATIC-COMMITTEE'].mandate).toMatch(/day-to-day services/);
    for (const body of data.governingBodies) expect(body.legalBasis).toContain('resolution 2803 (17 Nov 2025)');
  });

  it('dates what is decided (17 Nov 2025, by the Security Council) and keeps what is pending as pending, with no decision date', async () => {
    const { data } = await subgraph.execute(BODIES, undefined, PARTNER_NGO);
    const steps = (id: string) => data.governingBodies.find((b: { id: string }) => b.id === id).steps;
    expect(steps('GB-BOARD-OF-PEACE')).toContainEqual(expect.objectContaining({ status: 'DECIDED', decidedOn: '2025-11-17', decidedBy: 'UN Security Council', source: 'UNSC' }));
    expect(steps('GB-ISF')).toContainEqual(
      expect.objectContaining({ step: expect.stringMatching(/authorised/), status: 'DECIDED', decidedOn: '2025-11-17', decidedBy: 'UN Security Council' }),
    );
    // As of Dec 2025 no ISF troops had deployed.
    expect(steps('GB-ISF')).toContainEqual(expect.objectContaining({ step: expect.stringMatching(/deployed/), status: 'PENDING', decidedOn: null, asOf: '2025-12-01' }));
    expect(steps('GB-TECHNOCRATIC-COMMITTEE')).toContainEqual(expect.objectContaining({ status: 'PENDING', decidedOn: null }));
    for (const body of data.governingBodies) for (const step of body.steps) if (step.status === 'DECIDED') expect(step.decidedOn).not.toBeNull();
  });

  it('names no member as real: every seeded member is SYNTHETIC and pending', async () => {
    const rows = await subgraph.db.query<{ source: string; status: string }>("SELECT DISTINCT source, status FROM governing_body_member WHERE id LIKE 'GBM-0%'");
    expect(rows).toEqual([{ source: 'SYNTHETIC', status: 'PENDING' }]);
  });

  it('shows each principal exactly the members released to it: the NOFORN seat to US principals only', async () => {
    const rows = await subgraph.db.query<MarkingRow & { id: string }>('SELECT * FROM governing_body_member');
    for (const who of [USA_SECRET, GBR_SECRET, PARTNER_NGO]) {
      const { data, errors } = await subgraph.execute(BODIES, undefined, who);
      expect(errors).toBeUndefined();
      const seen = data.governingBodies.flatMap((b: { members: { id: string }[] }) => b.members.map((m) => m.id)).sort();
      expect(seen, who.subject).toEqual(
        rows
          .filter((row) => releasedToPrincipal(who, row))
          .map((row) => row.id)
          .sort(),
      );
      expect(seen.includes('GBM-T-NOFORN'), who.subject).toBe(who === USA_SECRET);
    }
  });

  it('releases the bodies (UNCLASSIFIED, TLP:CLEAR, to CMCC) to a partner but not to a non-participant, and answers an unknown id with NOT_FOUND', async () => {
    expect((await subgraph.execute('{ governingBodies { id } }', undefined, PARTNER_NGO)).data.governingBodies).toHaveLength(3);
    // Released to CMCC: an organisation without the participant claim is not in the CMCC group.
    const { data } = await subgraph.execute('{ governingBodies { id } }', undefined, OUTSIDER);
    expect(data.governingBodies).toEqual([]);
    const withheld = await subgraph.execute('{ governingBody(id: "GB-ISF") { id } }', undefined, OUTSIDER);
    expect(withheld.data?.governingBody ?? null).toBeNull();
    expect(withheld.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const missing = await subgraph.execute('{ governingBody(id: "GB-NO-SUCH") { id } }', undefined, OUTSIDER);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('movements, not people', () => {
  it('keeps the real >425,000 south-to-north count as movements, a lower bound, for the Gaza Strip', async () => {
    const { data, errors } = await subgraph.execute(
      '{ area(pcode: "PS02") { populationMovements(first: 1000) { id count countIsMinimum direction description } } }',
      undefined,
      PARTNER_NGO,
    );
    expect(errors).toBeUndefined();
    const real = data.area.populationMovements.find((m: { count: number }) => m.count === 425_000);
    expect(real).toMatchObject({ countIsMinimum: true, direction: 'S_TO_N' });
    expect(real.description).toMatch(/movements, not people/);
  });

  it('never describes a movement count as people or individuals in the schema, and has no field that counts people', () => {
    const sdl = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    /** A definition's text from the description before it to its closing brace. */
    const definition = (head: string) => {
      const at = sdl.indexOf(head);
      expect(at, head).toBeGreaterThan(0);
      const from = sdl.lastIndexOf('\n\n', at);
      return sdl.slice(from, sdl.indexOf('\n}', at));
    };
    const field = (name: string) => sdl.split('\n').findIndex((line) => line.trim().startsWith(`${name}(`));
    const lines = sdl.split('\n');
    const blocks = [
      definition('type PopulationMovement '),
      definition('input RecordPopulationMovementInput '),
      lines[field('recordPopulationMovement') - 1],
      lines[field('populationMovements') - 1],
    ];
    const texts = blocks.flatMap((block) => [...block.matchAll(/"""([\s\S]*?)"""|"([^"\n]*)"/g)].map((m) => (m[1] ?? m[2]).trim()));
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      // "people" may appear only to say a count is not one.
      const withoutDenials = text.replace(/(not|never)( a number)?( of)? people/g, '').replace(/one person crossing twice counts twice/gi, '');
      expect(withoutDenials, text).not.toMatch(/\b(people|persons?|individuals)\b/i);
    }
    const fieldNames = [...blocks[0].matchAll(/^ {2}(\w+)[(:]/gm)].map((m) => m[1]);
    expect(fieldNames).toContain('count');
    expect(fieldNames.filter((name) => /people|persons|individuals/i.test(name))).toEqual([]);
    expect(texts.find((t) => t.startsWith('Number of movements'))).toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, CLASSIFICATIONS, openDatabase, SqlParams, TLPS, viewerOf, visibleSql, type AccessMarking, type Database, type Principal } from '../subgraphs/kit/src/index.ts';

/** Principals across roles, nations, organisations and clearances, as docs/domain.md describes them. */
export function principalMatrix(): Principal[] {
  const principals: Principal[] = [];
  const nations = [null, 'USA', 'GBR', 'AUS', 'DEU', 'EGY', 'QAT', 'ISR'];
  const organizations = [null, 'CMCC', 'XM-DAC-41140', 'XI-CMCC-PRCS'];
  for (const nation of nations) {
    for (const organization of organizations) {
      if (!nation && !organization) continue;
      for (const clearance of CLASSIFICATIONS) {
        // Organisations without a nation have no national clearance (partner NGOs and UN agencies).
        if (!nation && clearance !== 'UNCLASSIFIED') continue;
        for (const participant of [true, false]) {
          principals.push({
            subject: `${nation ?? 'none'}-${organization ?? 'none'}-${clearance}-${participant ? 'p' : 'x'}`,
            nation,
            organization,
            workingGroups: [],
            roles: ['member'],
            scopes: [],
            clearance,
            participant,
          });
        }
      }
    }
  }
  return principals;
}

/** Markings covering every classification, TLP, release pattern, originator and recipients list. */
function markingMatrix(): AccessMarking[] {
  const releases = [[], ['CMCC'], ['FVEY'], ['NATO'], ['UN'], ['USA', 'GBR'], ['EGY'], ['XM-DAC-41140']];
  const originators = ['USA', 'GBR', 'CMCC', 'XM-DAC-41140', 'ISR'];
  const recipients = [[], ['USA'], ['XM-DAC-41140'], ['USA-CMCC-SECRET-p']];
  const markings: AccessMarking[] = [];
  for (const classification of CLASSIFICATIONS)
    for (const tlp of TLPS)
      for (const releasableTo of releases)
        for (const originator of originators)
          for (const named of tlp === 'RED' ? recipients : [[]]) markings.push({ classification, tlp, releasableTo, originator, recipients: named, caveats: [] });
  return markings;
}

describe('the releasability rule', () => {
  let db: Database;
  const markings = markingMatrix();
  beforeAll(async () => {
    db = await openDatabase({ schema: 'releasability_probe' });
    await db.exec(`CREATE TABLE marked (id text PRIMARY KEY, classification text, releasable_to text[], tlp text, originator text, recipients text[], caveats text[])`);
    const params = new SqlParams();
    const values = markings.map(
      (m, i) =>
        `(${params.add(`M${i}`)}, ${params.add(m.classification)}, ${params.add(m.releasableTo)}::text[], ${params.add(m.tlp)}, ${params.add(m.originator)}, ${params.add(m.recipients)}::text[], '{}')`,
    );
    await db.query(`INSERT INTO marked VALUES ${values.join(', ')}`, params.values);
  });
  afterAll(() => db?.close());

  it('gives the same answer in SQL as in code for every principal and every marking', async () => {
    const principals = principalMatrix();
    expect(principals.length).toBeGreaterThan(100);
    expect(markings.length).toBeGreaterThan(1000);
    for (const principal of principals) {
      const viewer = viewerOf(principal);
      const params = new SqlParams();
      const rows = await db.query<{ id: string }>(`SELECT t.id FROM marked t WHERE ${visibleSql(viewer, params)} ORDER BY t.id`, params.values);
      const expected = markings.flatMap((m, i) => (canSee(viewer, m) ? [`M${i}`] : [])).sort();
      expect(rows.map((r) => r.id), principal.subject).toEqual(expected);
    }
  });

  const member = (over: Partial<Principal>): Principal => ({
    subject: 'someone',
    nation: null,
    organization: null,
    workingGroups: [],
    roles: ['member'],
    scopes: [],
    clearance: 'UNCLASSIFIED',
    participant: true,
    ...over,
  });
  const marking = (over: Partial<AccessMarking>): AccessMarking => ({
    classification: 'UNCLASSIFIED',
    releasableTo: ['CMCC'],
    tlp: 'GREEN',
    originator: 'CMCC',
    recipients: [],
    caveats: [],
    ...over,
  });
  const sees = (p: Partial<Principal>, m: Partial<AccessMarking>) => canSee(viewerOf(member(p)), marking(m));

  it('hides a TLP:RED incident from a GBR member who is not named, and shows it to one who is', () => {
    const red = { classification: 'CONFIDENTIAL' as const, tlp: 'RED' as const, releasableTo: ['USA', 'GBR'], recipients: ['USA'] };
    expect(sees({ nation: 'GBR', clearance: 'SECRET' }, red)).toBe(false);
    expect(sees({ nation: 'USA', clearance: 'SECRET' }, red)).toBe(true);
    expect(sees({ subject: 'gbr-j2-lead', nation: 'GBR', clearance: 'SECRET' }, { ...red, recipients: ['gbr-j2-lead'] })).toBe(true);
  });

  it('needs a clearance at least the classification', () => {
    expect(sees({ nation: 'USA', clearance: 'CONFIDENTIAL' }, { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA'] })).toBe(false);
    expect(sees({ nation: 'USA', clearance: 'SECRET' }, { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA'] })).toBe(true);
  });

  it('releases through group codes: FVEY reaches AUS but not DEU; NATO reaches DEU but not EGY; UN reaches WFP', () => {
    expect(sees({ nation: 'AUS', clearance: 'RESTRICTED' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['FVEY'] })).toBe(true);
    expect(sees({ nation: 'DEU', clearance: 'RESTRICTED' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['FVEY'] })).toBe(false);
    expect(sees({ nation: 'DEU', clearance: 'RESTRICTED' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['NATO'] })).toBe(true);
    expect(sees({ nation: 'EGY', clearance: 'SECRET' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['NATO'] })).toBe(false);
    expect(sees({ organization: 'XM-DAC-41140' }, { tlp: 'AMBER', releasableTo: ['UN'] })).toBe(true);
  });

  it('gives a partner organisation UNCLASSIFIED CLEAR/GREEN and AMBER naming it, nothing classified', () => {
    const wfp = { organization: 'XM-DAC-41140' };
    expect(sees(wfp, { tlp: 'CLEAR' })).toBe(true);
    expect(sees(wfp, { tlp: 'GREEN' })).toBe(true);
    expect(sees(wfp, { tlp: 'AMBER', releasableTo: ['XM-DAC-41140'] })).toBe(true);
    expect(sees(wfp, { tlp: 'AMBER', releasableTo: ['USA', 'GBR'] })).toBe(false);
    expect(sees(wfp, { classification: 'RESTRICTED', tlp: 'GREEN' })).toBe(false);
  });

  it('keeps AMBER_STRICT and originator-only records to the originator', () => {
    expect(sees({ organization: 'XI-CMCC-PRCS' }, { tlp: 'AMBER_STRICT', originator: 'XI-CMCC-PRCS' })).toBe(true);
    expect(sees({ organization: 'CMCC', nation: 'USA' }, { tlp: 'AMBER_STRICT', originator: 'XI-CMCC-PRCS' })).toBe(false);
    expect(sees({ nation: 'ISR', clearance: 'SECRET' }, { classification: 'SECRET', tlp: 'AMBER', releasableTo: [], originator: 'ISR' })).toBe(true);
    expect(sees({ nation: 'USA', clearance: 'SECRET' }, { classification: 'SECRET', tlp: 'AMBER', releasableTo: [], originator: 'ISR' })).toBe(false);
  });

  it('keeps TLP:GREEN from principals who are not CMCC participants', () => {
    expect(sees({ nation: 'USA', participant: false }, { tlp: 'GREEN', releasableTo: ['USA'] })).toBe(false);
    expect(sees({ nation: 'USA', participant: false }, { tlp: 'CLEAR', releasableTo: ['USA'] })).toBe(true);
  });
});

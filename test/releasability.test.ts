import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, openDatabase, SqlParams, viewerOf, visibleSql, type AccessMarking, type Classification, type Database, type Principal, type Tlp } from '@cmcc/subgraph-kit';
import { released, type MarkedRow, type Reader } from '@cmcc/test-support/releasability-oracle';

/**
 * The kit's releasability rule, in code (`canSee`) and in SQL (`visibleSql`), against the rule written again from its
 * text (test/support/releasability-oracle.ts) for every principal kind, nation, organisation, clearance, caveat set and
 * participant claim, and every marking: no leak (the kit releases nothing the rule withholds) and no over-withholding
 * (the kit withholds nothing the rule releases). Literal cases from FIRST TLP 2.0's definitions pin the oracle itself.
 */

const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET'];
const WFP = 'XM-DAC-41140';
const OCHA = 'XM-DAC-41127';
const PRCS = 'XI-CMCC-PRCS';
const NAMED = 'subj-named';

/** A reader's claims as the principal the gateway makes of them (absent participant claim: not a participant). */
function principalOf(r: Reader): Principal {
  return {
    subject: r.sub,
    nation: r.nation ?? null,
    organization: r.org ?? null,
    workingGroups: [],
    roles: ['member'],
    scopes: [],
    clearance: (r.clearance ?? 'UNCLASSIFIED') as Classification,
    participant: r.cmcc === true,
    caveats: r.caveats ?? [],
  };
}

const toRow = (m: AccessMarking): MarkedRow => ({
  classification: m.classification,
  releasable_to: m.releasableTo,
  tlp: m.tlp,
  originator: m.originator,
  recipients: m.recipients,
  caveats: m.caveats,
});

/** Nation members (with or without the CMCC org), UN agencies and NGOs without a nation, across every claim that matters. */
function readerMatrix(): Reader[] {
  const readers: Reader[] = [];
  const nations = [undefined, 'USA', 'GBR', 'AUS', 'DEU', 'EGY', 'ISR', 'QAT'];
  const organizations = [undefined, 'CMCC', WFP, OCHA, PRCS];
  const caveatSets = [[], ['ORCON'], ['NOFORN', 'MEDICAL']];
  for (const nation of nations)
    for (const org of organizations) {
      if (!nation && !org) continue;
      // Organisations without a nation hold no national clearance (UN agencies and NGOs).
      for (const clearance of nation ? LEVELS : ['UNCLASSIFIED'])
        for (const caveats of caveatSets)
          for (const cmcc of [true, false, undefined])
            for (const sub of caveats.length === 0 ? ['someone', NAMED] : ['someone']) readers.push({ sub: `${sub}`, nation, org, clearance, cmcc, caveats });
    }
  return readers;
}

/** Markings over every classification, TLP, release pattern, originator, recipients list and caveat set. */
function markingMatrix(): AccessMarking[] {
  const releases = [[], ['CMCC'], ['FVEY'], ['NATO'], ['UN'], ['USA', 'GBR'], ['EGY'], [WFP], [PRCS, 'ISR']];
  const originators = ['USA', 'GBR', 'ISR', WFP, PRCS, 'CMCC'];
  const recipientLists = [[], [WFP], ['USA'], [NAMED], [PRCS, NAMED], ['CMCC', 'FVEY']];
  const caveatSets = [[], ['NOFORN'], ['ORCON'], ['MEDICAL', 'ORCON'], ['EYES-ONLY-UNKNOWN']];
  const tlps: Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
  const markings: AccessMarking[] = [];
  for (const classification of LEVELS)
    for (const tlp of tlps)
      for (const releasableTo of releases)
        for (const originator of originators)
          for (const recipients of tlp === 'RED' || tlp === 'AMBER_STRICT' ? recipientLists : [[]])
            for (const caveats of caveatSets)
              markings.push({
                classification,
                nationalMarking: classification === 'RESTRICTED' ? 'UK OFFICIAL-SENSITIVE' : null,
                tlp,
                releasableTo,
                originator,
                recipients,
                caveats,
              });
  return markings;
}

describe('the releasability rule against an independent oracle', () => {
  const readers = readerMatrix();
  const markings = markingMatrix();
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({ schema: 'releasability_matrix' });
    await db.exec(
      `CREATE TABLE marked (id text PRIMARY KEY, classification text NOT NULL, national_marking text, releasable_to text[] NOT NULL, tlp text NOT NULL, originator text NOT NULL, recipients text[] NOT NULL, caveats text[] NOT NULL)`,
    );
    for (let start = 0; start < markings.length; start += 1000) {
      const params = new SqlParams();
      const values = markings
        .slice(start, start + 1000)
        .map(
          (m, i) =>
            `(${params.add(`M${start + i}`)}, ${params.add(m.classification)}, ${params.add(m.nationalMarking)}, ${params.add(m.releasableTo)}::text[], ${params.add(m.tlp)}, ${params.add(m.originator)}, ${params.add(m.recipients)}::text[], ${params.add(m.caveats)}::text[])`,
        );
      await db.query(`INSERT INTO marked VALUES ${values.join(', ')}`, params.values);
    }
  });
  afterAll(() => db?.close());

  it('covers every kind of principal and marking', () => {
    expect(readers.length).toBeGreaterThan(700);
    expect(markings.length).toBeGreaterThan(8000);
    // Both outcomes occur often, so neither "release all" nor "withhold all" could pass.
    const outcomes = readers.slice(0, 50).flatMap((r) => markings.map((m) => released(r, toRow(m))));
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(1000);
    expect(outcomes.filter((x) => !x).length).toBeGreaterThan(1000);
  });

  it('releases in code exactly what the rule releases, for every principal and every marking', () => {
    const rows = markings.map(toRow);
    for (const reader of readers) {
      const viewer = viewerOf(principalOf(reader));
      const leaks: number[] = [];
      const withheld: number[] = [];
      markings.forEach((marking, i) => {
        const expected = released(reader, rows[i]);
        const actual = canSee(viewer, marking);
        if (actual && !expected) leaks.push(i);
        if (!actual && expected) withheld.push(i);
      });
      const show = (list: number[]) => list.slice(0, 3).map((i) => JSON.stringify(markings[i]));
      expect({ reader, leaks: show(leaks), overWithheld: show(withheld) }).toEqual({ reader, leaks: [], overWithheld: [] });
    }
  });

  // The SQL and the code are compiled from one rule tree; every fifth principal (a stride that cycles through every
  // claim combination) is enough to check the SQL compilation against the oracle, on every marking, in a time PGlite allows.
  it('releases in SQL exactly what the rule releases, for every fifth principal and every marking', async () => {
    const rows = markings.map(toRow);
    for (const reader of readers.filter((_, i) => i % 5 === 0)) {
      const params = new SqlParams();
      const found = await db.query<{ id: string }>(`SELECT t.id FROM marked t WHERE ${visibleSql(viewerOf(principalOf(reader)), params)}`, params.values);
      const expected = markings.flatMap((_, i) => (released(reader, rows[i]) ? [`M${i}`] : [])).sort();
      expect(found.map((row) => row.id).sort(), JSON.stringify(reader)).toEqual(expected);
    }
  }, 300_000);
});

/**
 * Literal cases: each names its expected answer, taken from the rule's text or FIRST TLP 2.0, and checks the oracle and
 * the kit both give it.
 */
describe('the releasability rule, case by case', () => {
  const reader = (over: Partial<Reader>): Reader => ({ sub: 'someone', cmcc: true, clearance: 'UNCLASSIFIED', ...over });
  const marking = (over: Partial<AccessMarking>): AccessMarking => ({
    classification: 'UNCLASSIFIED',
    nationalMarking: null,
    releasableTo: ['CMCC'],
    tlp: 'GREEN',
    originator: 'CMCC',
    recipients: [],
    caveats: [],
    ...over,
  });
  const cases: [string, Partial<Reader>, Partial<AccessMarking>, boolean][] = [
    // 1. Originator
    [
      'the originator sees its own record released to no one',
      { nation: 'ISR', clearance: 'SECRET' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: [], originator: 'ISR' },
      true,
    ],
    [
      'another nation does not see a record released to no one',
      { nation: 'USA', clearance: 'SECRET' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: [], originator: 'ISR' },
      false,
    ],
    ['an originating NGO sees its TLP:RED record without being named', { org: PRCS }, { tlp: 'RED', releasableTo: ['CMCC'], originator: PRCS, recipients: [OCHA] }, true],
    [
      'the originator sees its record above its own clearance and with caveats it lacks',
      { nation: 'GBR', clearance: 'RESTRICTED' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'GBR', caveats: ['ORCON'] },
      true,
    ],
    ['a non-participant originator sees its own TLP:GREEN record', { org: WFP, cmcc: false }, { tlp: 'GREEN', originator: WFP }, true],
    // 2. Clearance
    [
      'CONFIDENTIAL clearance does not reach SECRET',
      { nation: 'USA', clearance: 'CONFIDENTIAL' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA'], originator: 'GBR' },
      false,
    ],
    ['SECRET clearance reaches SECRET', { nation: 'USA', clearance: 'SECRET' }, { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['USA'], originator: 'GBR' }, true],
    ['a partner without a national clearance sees nothing classified', { org: WFP }, { classification: 'RESTRICTED', tlp: 'GREEN', originator: 'USA' }, false],
    // 3. Release
    ['FVEY reaches AUS', { nation: 'AUS', clearance: 'RESTRICTED' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA' }, true],
    ['FVEY does not reach DEU', { nation: 'DEU', clearance: 'RESTRICTED' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA' }, false],
    ['NATO reaches DEU, not EGY', { nation: 'EGY', clearance: 'SECRET' }, { classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['NATO'], originator: 'USA' }, false],
    ['UN reaches WFP', { org: WFP }, { tlp: 'AMBER', releasableTo: ['UN'], originator: OCHA }, true],
    ['UN does not reach an NGO', { org: PRCS }, { tlp: 'AMBER', releasableTo: ['UN'], originator: OCHA }, false],
    ['CMCC reaches only a participant', { nation: 'USA', clearance: 'SECRET', cmcc: false }, { tlp: 'CLEAR', releasableTo: ['CMCC'], originator: 'GBR' }, false],
    [
      'an org claim spelled CMCC is not the CMCC group without the participant claim',
      { org: 'CMCC', cmcc: false },
      { tlp: 'CLEAR', releasableTo: ['CMCC'], originator: OCHA },
      false,
    ],
    // 4. Caveats
    [
      'NOFORN: a principal of the originator nation sees it',
      { nation: 'USA', org: 'CMCC', clearance: 'SECRET' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA', caveats: ['NOFORN'] },
      true,
    ],
    [
      'NOFORN: a FVEY partner does not',
      { nation: 'GBR', clearance: 'SECRET' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA', caveats: ['NOFORN'] },
      false,
    ],
    [
      'NOFORN: a NOFORN claim grants nothing',
      { nation: 'GBR', clearance: 'SECRET', caveats: ['NOFORN'] },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA', caveats: ['NOFORN'] },
      false,
    ],
    [
      'ORCON needs the ORCON claim',
      { nation: 'GBR', clearance: 'SECRET' },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA', caveats: ['ORCON'] },
      false,
    ],
    [
      'ORCON with the claim',
      { nation: 'GBR', clearance: 'SECRET', caveats: ['ORCON'] },
      { classification: 'SECRET', tlp: 'AMBER', releasableTo: ['FVEY'], originator: 'USA', caveats: ['ORCON'] },
      true,
    ],
    ['MEDICAL needs the MEDICAL claim', { org: 'XM-DAC-928' }, { tlp: 'AMBER', releasableTo: ['UN'], originator: OCHA, caveats: ['MEDICAL'] }, false],
    ['every caveat must be claimed', { org: 'XM-DAC-928', caveats: ['MEDICAL'] }, { tlp: 'AMBER', releasableTo: ['UN'], originator: OCHA, caveats: ['MEDICAL', 'PROPIN'] }, false],
    ['an unknown caveat is enforced, not ignored', { nation: 'USA', clearance: 'SECRET' }, { tlp: 'CLEAR', releasableTo: ['USA'], originator: 'GBR', caveats: ['XYZZY'] }, false],
    // 5. TLP (FIRST TLP 2.0)
    ['TLP:CLEAR: anyone authenticated it is released to, participant or not', { nation: 'USA', cmcc: false }, { tlp: 'CLEAR', releasableTo: ['USA'], originator: 'GBR' }, true],
    ['TLP:GREEN: the community, i.e. participants', { nation: 'USA' }, { tlp: 'GREEN', releasableTo: ['USA'], originator: 'GBR' }, true],
    ['TLP:GREEN: not without the participant claim', { nation: 'USA', cmcc: undefined }, { tlp: 'GREEN', releasableTo: ['USA'], originator: 'GBR' }, false],
    ['TLP:AMBER: a nation released to counts', { nation: 'EGY' }, { tlp: 'AMBER', releasableTo: ['EGY'], originator: 'USA' }, true],
    ['TLP:AMBER: a group released to counts', { org: PRCS }, { tlp: 'AMBER', releasableTo: ['CMCC'], originator: OCHA }, true],
    ['TLP:AMBER: not an organisation outside every code released to', { org: PRCS }, { tlp: 'AMBER', releasableTo: ['UN'], originator: OCHA }, false],
    ['TLP:AMBER+STRICT: the organisation named in releasableTo', { org: PRCS }, { tlp: 'AMBER_STRICT', releasableTo: [PRCS], originator: OCHA }, true],
    [
      'TLP:AMBER+STRICT: the organisation named in recipients (and released to)',
      { org: WFP },
      { tlp: 'AMBER_STRICT', releasableTo: ['UN'], recipients: [WFP], originator: OCHA },
      true,
    ],
    ['TLP:AMBER+STRICT: a group code does not expand it', { org: WFP }, { tlp: 'AMBER_STRICT', releasableTo: ['UN'], originator: OCHA }, false],
    [
      'TLP:AMBER+STRICT: a nation does not expand it',
      { nation: 'USA', org: 'CMCC', clearance: 'SECRET' },
      { tlp: 'AMBER_STRICT', releasableTo: ['USA'], originator: 'GBR' },
      false,
    ],
    [
      'TLP:RED: a person named by subject id',
      { sub: 'gbr-j2-lead', nation: 'GBR', clearance: 'SECRET' },
      { classification: 'CONFIDENTIAL', tlp: 'RED', releasableTo: ['USA', 'GBR'], recipients: ['gbr-j2-lead'], originator: 'USA' },
      true,
    ],
    ['TLP:RED: an organisation named', { org: WFP }, { tlp: 'RED', releasableTo: ['CMCC'], recipients: [WFP], originator: OCHA }, true],
    [
      'TLP:RED: never a nation named',
      { nation: 'USA', clearance: 'SECRET' },
      { classification: 'CONFIDENTIAL', tlp: 'RED', releasableTo: ['USA', 'GBR'], recipients: ['USA'], originator: 'GBR' },
      false,
    ],
    ['TLP:RED: never a group code named', { nation: 'USA', clearance: 'SECRET' }, { tlp: 'RED', releasableTo: ['FVEY'], recipients: ['FVEY', 'CMCC'], originator: 'GBR' }, false],
    [
      "TLP:RED: not another member of a named organisation's nation",
      { nation: 'GBR', clearance: 'SECRET' },
      { classification: 'CONFIDENTIAL', tlp: 'RED', releasableTo: ['USA', 'GBR'], recipients: ['gbr-j2-lead'], originator: 'USA' },
      false,
    ],
    ['an unknown TLP releases to no one but the originator', { nation: 'USA', clearance: 'SECRET' }, { tlp: 'WHITE' as Tlp, releasableTo: ['USA'], originator: 'GBR' }, false],
  ];

  it.each(cases)('%s', (_name, who, what, expected) => {
    const r = reader(who);
    const m = marking(what);
    expect(released(r, toRow(m))).toBe(expected);
    expect(canSee(viewerOf(principalOf(r)), m)).toBe(expected);
  });

  it('keeps a national marking verbatim and never reads it', () => {
    const r = reader({ nation: 'GBR', clearance: 'RESTRICTED' });
    const base = marking({ classification: 'RESTRICTED', tlp: 'AMBER', releasableTo: ['NATO'], originator: 'USA' });
    for (const nationalMarking of [null, 'UK OFFICIAL-SENSITIVE', 'US SECRET//NOFORN', 'TOP SECRET']) {
      expect(canSee(viewerOf(principalOf(r)), { ...base, nationalMarking })).toBe(true);
    }
  });
});

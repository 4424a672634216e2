import {
  CONVOY_COUNT,
  CROSSING_IDS,
  GAZA_STRIP,
  GOVERNORATES,
  LOCALITIES,
  SYNTHETIC_DAYS,
  SYNTHETIC_EPOCH,
  SeededRandom,
  addDays,
  convoyId,
  incidentId,
  insertRows,
  MARKING_COLUMNS,
  markingValues,
  publicMarking,
  seedOnce,
  syntheticMarking,
  syntheticPoint,
  type AccessMarking,
  type Database,
  type Queryable,
} from '@cmcc/subgraph-kit';
import { seedCeasefire } from './ceasefire.ts';
import { SUB_EVENT_TYPES, THREAT_LEVELS, type EventType, type ThreatLevel } from './taxonomy.ts';


export const SYNTHETIC_INCIDENT_COUNT = 240;
export const VIOLATION_REPORT_COUNT = 80;
export const SYNTHETIC_ISR_COUNT = 12;

/** [R] 31 Oct 2025: a US MQ-9 observed an aid truck looted in northern Khan Younis (CENTCOM). */
export const REAL_INCIDENT_ID = 'INC-CENTCOM-20251031';
export const REAL_ISR_OBSERVATION_ID = 'ISR-CENTCOM-20251031';

/** ACLED's actor name for Israel's armed forces (its state forces are named with the year the current regime began). */
export const ISRAEL_MILITARY = 'Military Forces of Israel (2022-)';

const EVENT_TYPES = [
  ['STRATEGIC_DEVELOPMENTS', 30],
  ['EXPLOSIONS_REMOTE_VIOLENCE', 25],
  ['VIOLENCE_AGAINST_CIVILIANS', 15],
  ['BATTLES', 12],
  ['RIOTS', 10],
  ['PROTESTS', 8],
] as const;

/** Which sub-events are plausible in post-ceasefire Gaza, by weight; others of ACLED's list stay unused. */
const SUB_EVENT_WEIGHTS: Record<EventType, readonly (readonly [string, number])[]> = {
  BATTLES: [['ARMED_CLASH', 90], ['NON_STATE_ACTOR_OVERTAKES_TERRITORY', 10]],
  EXPLOSIONS_REMOTE_VIOLENCE: [['AIR_DRONE_STRIKE', 45], ['SHELLING_ARTILLERY_MISSILE_ATTACK', 30], ['REMOTE_EXPLOSIVE_LANDMINE_IED', 20], ['GRENADE', 5]],
  VIOLENCE_AGAINST_CIVILIANS: [['ATTACK', 75], ['ABDUCTION_FORCED_DISAPPEARANCE', 25]],
  PROTESTS: [['PEACEFUL_PROTEST', 80], ['PROTEST_WITH_INTERVENTION', 20]],
  RIOTS: [['MOB_VIOLENCE', 75], ['VIOLENT_DEMONSTRATION', 25]],
  STRATEGIC_DEVELOPMENTS: [['LOOTING_PROPERTY_DESTRUCTION', 45], ['ARREST', 15], ['CHANGE_TO_GROUP_ACTIVITY', 15], ['DISRUPTED_WEAPONS_USE', 15], ['OTHER', 10]],
};

/**
 * Actor pairs (actor1, actor2) by event type, each actor named as ACLED names it in its Palestine data (state forces
 * with the year their regime began, unnamed groups and civilians with their country in brackets); generic on purpose,
 * as the records are illustrative.
 */
const ACTORS: Record<EventType, readonly (readonly [string, string | null])[]> = {
  BATTLES: [
    [ISRAEL_MILITARY, 'Unidentified Armed Group (Palestine)'],
    ['Hamas Movement', 'Unidentified Armed Group (Palestine)'],
    ['Unidentified Armed Group (Palestine)', 'Unidentified Armed Group (Palestine)'],
  ],
  EXPLOSIONS_REMOTE_VIOLENCE: [
    [ISRAEL_MILITARY, null],
    [ISRAEL_MILITARY, 'Civilians (Palestine)'],
    ['Unidentified Armed Group (Palestine)', null],
  ],
  VIOLENCE_AGAINST_CIVILIANS: [
    ['Unidentified Armed Group (Palestine)', 'Civilians (Palestine)'],
    [ISRAEL_MILITARY, 'Civilians (Palestine)'],
    ['Hamas Movement', 'Civilians (Palestine)'],
  ],
  PROTESTS: [['Protesters (Palestine)', null]],
  RIOTS: [
    ['Rioters (Palestine)', 'Civilians (Palestine)'],
    ['Rioters (Palestine)', 'Civilians (Palestine)'],
  ],
  STRATEGIC_DEVELOPMENTS: [
    ['Unidentified Armed Group (Palestine)', 'Civilians (Palestine)'],
    ['Hamas Movement', null],
    [ISRAEL_MILITARY, null],
    ['Police Forces of Palestine (2007-) Gaza Strip', 'Civilians (Palestine)'],
  ],
};

const VERIFICATIONS = [
  ['UNVERIFIED', 35],
  ['CORROBORATED', 35],
  ['CONFIRMED', 25],
  ['REFUTED', 5],
] as const;

const INCIDENT_ORIGINATORS = ['CMCC', 'CMCC', 'USA', 'GBR', 'XM-DAC-41127', 'XM-DAC-41140'];
const PLACES = ['', ' – market area', ' – eastern outskirts', ' – near a distribution point', ' – Salah al-Din Road'];

/**
 * The open periods of each crossing within the synthetic window [R dates]: synthetic closures fall only where it was
 * open. Zikim reopened 12 Nov 2025, Kissufim 20 Oct 2025, Erez closed as of 22 Oct 2025; Rafah stayed closed through the
 * ceasefire's first months (no open period here, so no security closure). "Erez West" is Zikim's other name: one
 * crossing, one id (ZIKIM).
 */
const CROSSING_OPEN: Record<(typeof CROSSING_IDS)[number], { from: string; to: string } | null> = {
  KEREM_SHALOM: { from: '2025-10-10', to: '2025-12-31' },
  KISSUFIM: { from: '2025-10-20', to: '2025-12-31' },
  ZIKIM: { from: '2025-11-12', to: '2025-12-31' },
  EREZ: { from: '2025-10-10', to: '2025-10-22' },
  RAFAH: null,
};

/** The governorate each crossing lies on (its threat assessment starts from the governorate's). */
const CROSSING_AREA: Record<(typeof CROSSING_IDS)[number], string | null> = {
  KEREM_SHALOM: 'PS0275',
  KISSUFIM: 'PS0265',
  ZIKIM: 'PS0255',
  EREZ: 'PS0255',
  RAFAH: 'PS0275',
};

const CLOSURE_REASONS = {
  SECURITY_ALERT: 'Specific threat warning against the crossing; movements suspended pending a security sweep',
  HOSTILE_FIRE: 'Gunfire reported near the crossing; staff withdrawn to shelters',
  CROWD_SECURITY: 'Crowds massing on the access road; trucks held until the road was cleared',
  EXPLOSIVE_HAZARD: 'Suspected unexploded ordnance on the access road; closed until cleared',
  POLICY_DECISION: 'Closed by command decision following a reported ceasefire violation',
} as const;

const VIOLATION_AREAS = ['PS025501', 'PS025503', 'PS026001', 'PS026502', 'PS026503', 'PS027002', 'PS027003', 'PS027005', 'PS027501', 'PS0270', 'PS0275'];

/** Who alleges what about whom; originators are the reporting nation or body. */
const ALLEGATIONS = [
  { reportedBy: 'Israel Defense Forces', originator: 'ISR', parties: ['Hamas Movement', 'Unidentified Armed Group (Palestine)'] },
  { reportedBy: 'Hamas Movement (through mediators)', originator: 'QAT', parties: [ISRAEL_MILITARY] },
  { reportedBy: 'Egyptian mediators', originator: 'EGY', parties: [ISRAEL_MILITARY, 'Hamas Movement'] },
  { reportedBy: 'CMCC liaison cell', originator: 'CMCC', parties: [ISRAEL_MILITARY, 'Hamas Movement', 'Unidentified Armed Group (Palestine)'] },
] as const;

const VIOLATIONS_BY_PARTY: Record<string, readonly string[]> = {
  [ISRAEL_MILITARY]: ['FIRE_AT_CIVILIANS', 'AIR_STRIKE', 'SHELLING', 'DEMOLITION', 'LINE_CROSSING', 'AID_OBSTRUCTION'],
  'Hamas Movement': ['FIRE_AT_FORCES', 'ARMED_APPROACH', 'LINE_CROSSING', 'TUNNEL_ACTIVITY', 'AID_OBSTRUCTION', 'OTHER'],
  'Unidentified Armed Group (Palestine)': ['FIRE_AT_FORCES', 'ARMED_APPROACH', 'LINE_CROSSING', 'OTHER'],
};

interface IsrPlatform {
  platform: string;
  originator: string;
  releasable: string[][];
}

/** ISR platforms by weight, with the nation that flies them and how it releases their products. */
const ISR_PLATFORMS: [IsrPlatform, number][] = [
  [{ platform: 'MQ-9', originator: 'USA', releasable: [['FVEY'], ['USA']] }, 60],
  [{ platform: 'Shadow R1', originator: 'GBR', releasable: [['FVEY'], ['GBR', 'USA']] }, 25],
  [{ platform: 'Hermes 450', originator: 'ISR', releasable: [['ISR', 'USA']] }, 15],
];

interface Incident {
  id: string;
  day: number;
  occurredAt: Date | null;
  eventType: EventType;
  subEventType: string;
  areaPcode: string;
  locationName: string;
  fatalities: number | null;
  affectsAid: boolean;
}

const dayOf = (day: number) => addDays(SYNTHETIC_EPOCH, day).toISOString().slice(0, 10);
const label = (value: string) => value.toLowerCase().replace(/_/g, ' ');

/** SECRET markings of ISR products, as their originators give them. */
function secretMarking(random: SeededRandom, originator: string, releasable: readonly (readonly string[])[]): AccessMarking {
  const tlp = random.weighted([['AMBER', 60], ['AMBER_STRICT', 20], ['RED', 20]] as const);
  return {
    classification: 'SECRET',
    releasableTo: [...random.pick(releasable)],
    tlp,
    originator,
    // TLP:RED names people (subject ids), never a nation.
    recipients: tlp === 'RED' ? [...random.pick([['cmcc-j2-watch'], ['CMCC-J2']])] : [],
    caveats: [],
  };
}

/** Seeds the real incident of 31 Oct 2025, the ceasefire's real, dated figures and a deterministic synthetic security picture; runs once per database. */
export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'security-v1', async (tx) => {
    const random = new SeededRandom(2025_10_31);
    const incidents = await seedIncidents(tx, random);
    await seedViolationReports(tx, random, incidents);
    await seedIsrObservations(tx, random, incidents);
    const closures = await seedClosures(tx, random);
    await seedThreatAssessments(tx, random, incidents, closures);
  });
  // Its own once-only step, so a database seeded before these records existed gains them too.
  await seedOnce(db, 'security-ceasefire-v1', seedCeasefire);
}

const INCIDENT_COLUMNS = [
  'id', 'event_date', 'occurred_at', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'area_pcode', 'location_name', 'latitude', 'longitude',
  'fatalities', 'injured', 'affects_aid', 'convoy_id', 'source', 'verification', 'notes', ...MARKING_COLUMNS,
];

/** Why the real incident of 31 Oct 2025 is CONFIRMED: CENTCOM's MQ-9 observed it; who did it stays an attribution. */
export const REAL_VERIFICATION_NOTE = "Observed by a US MQ-9 (CENTCOM, 31 Oct 2025); the attribution to suspected Hamas operatives is CENTCOM's.";

/** Why a synthetic incident's verification is what it is: every verification but UNVERIFIED carries a note (as on the write path). */
export const SYNTHETIC_VERIFICATION_NOTES: Record<string, string | null> = {
  UNVERIFIED: null,
  CORROBORATED: 'Illustrative: supported by a second, independent synthetic report.',
  CONFIRMED: 'Illustrative: established by a synthetic direct observation.',
  REFUTED: 'Illustrative: a synthetic follow-up found that it did not happen as reported.',
};

async function seedIncidents(tx: Queryable, random: SeededRandom): Promise<Incident[]> {
  const places = new SeededRandom(2025_10_30);
  const rows: unknown[][] = [
    // [R] CENTCOM, 31 Oct 2025, coded as ACLED would: Strategic developments / Looting/property destruction, actor1 the
    // group CENTCOM attributed it to (ACLED's name for it; "suspected" stays in the notes: attribution is not verified).
    // Time, coordinates and casualty figures were not released; the incident itself was made public, hence CLEAR.
    [
      REAL_INCIDENT_ID, '2025-10-31', null, 'STRATEGIC_DEVELOPMENTS', 'LOOTING_PROPERTY_DESTRUCTION', 'Hamas Movement', null,
      'PS0270', 'Northern Khan Younis', null, null, null, null, true, null, 'CENTCOM', 'CONFIRMED',
      'A US MQ-9 observed an aid truck being looted in northern Khan Younis. CENTCOM attributed the looting to suspected Hamas operatives. The driver\'s status is unknown.',
      ...markingValues(publicMarking('USA')),
    ],
  ];
  const incidents: Incident[] = [];
  for (let n = 1; n <= SYNTHETIC_INCIDENT_COUNT; n++) {
    const atGovernorate = random.chance(0.15);
    const area = atGovernorate ? random.pick(GOVERNORATES) : random.pick(LOCALITIES);
    const locationName = atGovernorate ? `${area.name} Governorate (location not specified)` : `${area.name}${random.pick(PLACES)}`;
    const day = random.int(0, SYNTHETIC_DAYS - 1);
    const occurredAt = random.chance(0.9) ? addDays(SYNTHETIC_EPOCH, day + random.int(0, 1439) / 1440) : null;
    const eventType = random.weighted(EVENT_TYPES);
    const subEventType = random.weighted(SUB_EVENT_WEIGHTS[eventType]);
    if (!(SUB_EVENT_TYPES[eventType] as readonly string[]).includes(subEventType)) throw new Error(`${subEventType} is not an ACLED sub-event of ${eventType}`);
    const [actor1, actor2] = random.pick(ACTORS[eventType]);
    const aidProne = subEventType === 'LOOTING_PROPERTY_DESTRUCTION' || subEventType === 'MOB_VIOLENCE';
    const affectsAid = random.chance(aidProne ? 0.8 : 0.15);
    const convoy = affectsAid && random.chance(0.65) ? convoyId(random.int(1, CONVOY_COUNT)) : null;
    const maxFatalities = { BATTLES: 6, EXPLOSIONS_REMOTE_VIOLENCE: 8, VIOLENCE_AGAINST_CIVILIANS: 3, PROTESTS: 0, RIOTS: 2, STRATEGIC_DEVELOPMENTS: 1 }[eventType];
    const reported = random.chance(0.9);
    // Most incidents under the ceasefire cause no deaths.
    const fatalities = reported ? (maxFatalities > 0 && random.chance(0.35) ? random.int(1, maxFatalities) : 0) : null;
    const injured = reported ? (random.chance(0.5) ? random.int(1, maxFatalities * 2 + 3) : 0) : null;
    const located = random.chance(0.9);
    // Inside the area's governorate and west of the Yellow Line, from their own generator; the main generator's two draws
    // are kept, and discarded, so that the rest of the seeded picture stays as it was.
    if (located) {
      random.next();
      random.next();
    }
    const [lat, lon] = located ? syntheticPoint(area.pcode, () => places.next()) : [null, null];
    const id = incidentId(n);
    incidents.push({ id, day, occurredAt, eventType, subEventType, areaPcode: area.pcode, locationName, fatalities, affectsAid });
    rows.push([
      id, dayOf(day), occurredAt?.toISOString() ?? null, eventType, subEventType, actor1, actor2, area.pcode, locationName,
      lat, lon, fatalities, injured, affectsAid, convoy, 'SYNTHETIC',
      random.weighted(VERIFICATIONS),
      `Illustrative record: ${label(subEventType)} reported in ${locationName}${affectsAid ? ', affecting a humanitarian movement' : ''}.`,
      ...markingValues(syntheticMarking(random, random.pick(INCIDENT_ORIGINATORS))),
    ]);
  }
  await insertRows(tx, 'security_incident', INCIDENT_COLUMNS, rows);
  await tx.query(`UPDATE security_incident SET verification_note = $1 WHERE id = $2`, [REAL_VERIFICATION_NOTE, REAL_INCIDENT_ID]);
  for (const [verification, note] of Object.entries(SYNTHETIC_VERIFICATION_NOTES)) {
    if (note) await tx.query(`UPDATE security_incident SET verification_note = $1 WHERE source = 'SYNTHETIC' AND verification = $2`, [note, verification]);
  }
  return incidents;
}

async function seedViolationReports(tx: Queryable, random: SeededRandom, incidents: Incident[]): Promise<void> {
  const linkable = incidents.filter((i) => i.occurredAt && ['BATTLES', 'EXPLOSIONS_REMOTE_VIOLENCE'].includes(i.eventType));
  const rows: unknown[][] = [];
  for (let n = 1; n <= VIOLATION_REPORT_COUNT; n++) {
    const allegation = random.pick(ALLEGATIONS);
    const allegedParty = random.pick(allegation.parties);
    let areaPcode = random.pick(VIOLATION_AREAS);
    let occurredAt = addDays(SYNTHETIC_EPOCH, random.int(0, SYNTHETIC_DAYS - 1) + random.int(0, 1439) / 1440);
    // About a third of the allegations concern an event that was also recorded as an incident.
    const incident = random.chance(0.3) ? random.pick(linkable) : null;
    if (incident) {
      areaPcode = incident.areaPcode;
      occurredAt = incident.occurredAt as Date;
    }
    const side = random.weighted([['HELD_SIDE', 35], ['WITHDRAWN_SIDE', 40], ['ON_LINE', 15], ['UNKNOWN', 10]] as const);
    const distance = side === 'UNKNOWN' ? null : side === 'ON_LINE' ? random.int(0, 50) : random.int(50, 1500);
    const violationType = random.pick(VIOLATIONS_BY_PARTY[allegedParty]);
    rows.push([
      `CFV-${String(n).padStart(4, '0')}`, allegation.reportedBy, allegedParty, violationType, occurredAt.toISOString(), areaPcode, side, distance,
      random.weighted([['UNVERIFIED', 50], ['CORROBORATED', 25], ['CONFIRMED', 15], ['REFUTED', 10]] as const), incident?.id ?? null,
      `Illustrative record: ${allegation.reportedBy} alleges ${label(violationType)} by ${allegedParty}${distance === null ? '' : `, about ${distance} m from the yellow line`}.`,
      'SYNTHETIC', ...markingValues(syntheticMarking(random, allegation.originator)),
    ]);
  }
  await insertRows(
    tx,
    'ceasefire_violation_report',
    ['id', 'reported_by', 'alleged_party', 'violation_type', 'occurred_at', 'area_pcode', 'yellow_line_side', 'distance_to_line_m', 'verification', 'incident_id', 'notes', 'source', ...MARKING_COLUMNS],
    rows,
  );
}

async function seedIsrObservations(tx: Queryable, random: SeededRandom, incidents: Incident[]): Promise<void> {
  const rows: unknown[][] = [
    // [R] The MQ-9 observation behind the CENTCOM report of 31 Oct 2025; the observation product itself is SECRET.
    [
      REAL_ISR_OBSERVATION_ID, 'MQ-9', '2025-10-31', null, 'PS0270',
      'Aid truck observed being looted in northern Khan Younis; looters assessed as suspected Hamas operatives; driver\'s status unknown.',
      REAL_INCIDENT_ID, 'CENTCOM',
      ...markingValues({ classification: 'SECRET', releasableTo: ['FVEY'], tlp: 'AMBER', originator: 'USA', recipients: [], caveats: [] }),
    ],
  ];
  const watched = incidents.filter((i) => i.affectsAid && i.occurredAt);
  for (let n = 1; n <= SYNTHETIC_ISR_COUNT; n++) {
    const { platform, originator, releasable } = random.weighted(ISR_PLATFORMS);
    const incident = random.pick(watched);
    const observedAt = addDays(incident.occurredAt as Date, random.int(-30, 30) / 1440);
    rows.push([
      `ISR-${String(n).padStart(4, '0')}`, platform, observedAt.toISOString().slice(0, 10), observedAt.toISOString(), incident.areaPcode,
      `Illustrative record: ${platform} observed ${label(incident.subEventType)} in ${incident.locationName}.`, incident.id, 'SYNTHETIC',
      ...markingValues(secretMarking(random, originator, releasable)),
    ]);
  }
  await insertRows(
    tx,
    'isr_observation',
    ['id', 'platform', 'observed_on', 'observed_at', 'area_pcode', 'summary', 'incident_id', 'source', ...MARKING_COLUMNS],
    rows,
  );
}

interface Closure {
  crossingId: string;
  from: Date;
  until: Date | null;
}

/** Closures walk forward through each crossing's open period without overlapping; EREZ's last one is still in force (closed as of 22 Oct 2025). */
async function seedClosures(tx: Queryable, random: SeededRandom): Promise<Closure[]> {
  const closures: Closure[] = [];
  const rows: unknown[][] = [];
  for (const crossingId of CROSSING_IDS) {
    const open = CROSSING_OPEN[crossingId];
    if (!open) continue;
    const end = new Date(`${open.to}T23:59:59Z`);
    let at = addDays(new Date(`${open.from}T00:00:00Z`), random.int(1, 4) + random.int(6, 18) / 24);
    let n = 0;
    while (at < end) {
      n++;
      const category = random.weighted([['SECURITY_ALERT', 30], ['HOSTILE_FIRE', 25], ['CROWD_SECURITY', 25], ['EXPLOSIVE_HAZARD', 15], ['POLICY_DECISION', 5]] as const);
      const hours = category === 'POLICY_DECISION' ? random.int(24, 72) : random.int(2, 14);
      let until: Date | null = addDays(at, hours / 24);
      const next = addDays(until, random.int(4, 14) + random.int(0, 23) / 24);
      if (next >= end && crossingId === 'EREZ') until = null;
      else if (until > end) until = end;
      closures.push({ crossingId, from: at, until });
      rows.push([
        `CLOSURE-${crossingId}-${String(n).padStart(2, '0')}`, crossingId, at.toISOString(), until?.toISOString() ?? null, category,
        CLOSURE_REASONS[category], 'SYNTHETIC', ...markingValues(syntheticMarking(random, 'CMCC')),
      ]);
      at = next;
    }
  }
  await insertRows(tx, 'crossing_closure', ['id', 'crossing_id', 'starts_at', 'ends_at', 'category', 'reason', 'source', ...MARKING_COLUMNS], rows);
  return closures;
}

/** A week's score (incidents plus half the reported deaths) against thresholds scaled to the area's size. */
function levelOf(score: number, scale: number): ThreatLevel {
  const thresholds = [2, 4, 7, 11].map((t) => t * scale);
  const index = thresholds.findIndex((t) => score <= t);
  return THREAT_LEVELS[index === -1 ? THREAT_LEVELS.length - 1 : index];
}

const raise = (level: ThreatLevel): ThreatLevel => THREAT_LEVELS[Math.min(THREAT_LEVELS.indexOf(level) + 1, THREAT_LEVELS.length - 1)];

/**
 * Weekly assessments of the Gaza Strip, each governorate, two localities near the yellow line and each crossing, derived
 * from the synthetic incidents (and, for crossings, closures) of the seven days to the assessment date.
 */
async function seedThreatAssessments(tx: Queryable, random: SeededRandom, incidents: Incident[], closures: Closure[]): Promise<void> {
  const areas: [pcode: string, scale: number][] = [[GAZA_STRIP.pcode, 5], ...GOVERNORATES.map((g): [string, number] => [g.pcode, 1]), ['PS027003', 0.5], ['PS027004', 0.5]];
  const rows: unknown[][] = [];
  for (let week = 1; week * 7 <= SYNTHETIC_DAYS; week++) {
    const asOf = dayOf(week * 7);
    const inWeek = incidents.filter((i) => i.day >= (week - 1) * 7 && i.day < week * 7);
    const byArea = new Map<string, ThreatLevel>();
    for (const [pcode, scale] of areas) {
      const here = inWeek.filter((i) => i.areaPcode.startsWith(pcode));
      const deaths = here.reduce((sum, i) => sum + (i.fatalities ?? 0), 0);
      const level = levelOf(here.length + deaths / 2, scale);
      byArea.set(pcode, level);
      rows.push([
        `TA-${pcode}-${asOf}`, pcode, null, level, asOf,
        `Illustrative assessment derived from ${here.length} synthetic incidents (${deaths} reported deaths) in the 7 days to ${asOf}.`,
        'SYNTHETIC', ...markingValues(syntheticMarking(random, 'CMCC')),
      ]);
    }
    const weekStart = addDays(SYNTHETIC_EPOCH, (week - 1) * 7);
    const weekEnd = addDays(SYNTHETIC_EPOCH, week * 7);
    for (const crossingId of CROSSING_IDS) {
      const governorate = CROSSING_AREA[crossingId];
      if (!governorate) continue;
      const closed = closures.filter((c) => c.crossingId === crossingId && c.from < weekEnd && (c.until === null || c.until > weekStart)).length;
      const base = byArea.get(governorate) ?? 'LOW';
      const level = closed > 0 ? raise(base) : base;
      rows.push([
        `TA-${crossingId}-${asOf}`, null, crossingId, level, asOf,
        `Illustrative assessment: ${label(base)} threat in the surrounding governorate${closed > 0 ? ` and ${closed} security closure(s)` : ''} in the 7 days to ${asOf}.`,
        'SYNTHETIC', ...markingValues(syntheticMarking(random, 'CMCC')),
      ]);
    }
  }
  await insertRows(tx, 'threat_assessment', ['id', 'area_pcode', 'crossing_id', 'level', 'as_of', 'basis', 'source', ...MARKING_COLUMNS], rows);
}

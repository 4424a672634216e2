import {
  addDays,
  CONVOY_COUNT,
  convoyId,
  GOVERNORATES,
  HOSPITAL_COUNT,
  hospitalId,
  incidentId,
  insertRows,
  LOCALITIES,
  MARKING_COLUMNS,
  markingToRow,
  ORGANIZATIONS,
  SeededRandom,
  seedMarking,
  seedOnce,
  SYNTHETIC_EPOCH,
  syntheticMarking,
  type AccessMarking,
  type Database, syntheticPoint } from '@cmcc/subgraph-kit';
import { DECISION_TABLE, NOTIFICATION_TABLE, PARTICIPANT_TABLE, REQUEST_TABLE } from './repository.ts';

/**
 * Synthetic coordination data (source SYNTHETIC), deterministic so every machine gets the same records, written once.
 * Requests name real seeded keys of other groups (convoys, crossings, hospitals, incidents, P-codes from the kit's
 * reference list); notified points lie near the centre of the governorate they name, inside the Gaza Strip.
 */
export const SEED_REQUEST_COUNT = 30;
export const SEED_NOTIFICATION_COUNT = 16;

/** How many synthetic incidents the security subgraph seeds (INC-0001 ...); requests name only those. */
const SEEDED_INCIDENTS = 240;

export const requestId = (n: number) => `CR-${String(n).padStart(4, '0')}`;
export const notificationId = (n: number) => `HN-${String(n).padStart(4, '0')}`;

/** The crossings [R] with the governorate each opens into (as the humanitarian subgraph seeds them). */
const CROSSING_AREAS: Record<string, string> = { KEREM_SHALOM: 'PS0275', KISSUFIM: 'PS0265', ZIKIM: 'PS0255', EREZ: 'PS0255', RAFAH: 'PS0275' };

/** The synthetic roster: nations of the development principals, and UN and Red Cross / Red Crescent organisations. */
const NATIONS = ['USA', 'GBR', 'DEU', 'EGY', 'ISR', 'AUS'];
const ORGANIZATION_PARTICIPANTS = ['XM-DAC-41127', 'XM-DAC-41140', 'XM-DAC-928', 'XM-DAC-41122', 'XI-CMCC-ICRC', 'XI-CMCC-PRCS'];
const GROUPS = ['SECURITY', 'INTELLIGENCE', 'HUMANITARIAN', 'ENGINEERING', 'MULTINATIONAL_FORCE', 'CIVIL_ADMINISTRATION', 'COORDINATION'];
const ROLES = ['operations liaison', 'logistics liaison', 'medical liaison', 'engineering liaison', 'legal adviser', 'access coordinator'];

/** The roster is the CMCC's own record: unclassified, for CMCC participants (TLP:GREEN). */
const ROSTER_MARKING = seedMarking('UNCLASSIFIED', 'GREEN', ['CMCC'], 'CMCC');

const markingCells = (marking: AccessMarking) => {
  const row = markingToRow(marking);
  return MARKING_COLUMNS.map((column) => row[column]);
};

/** A synthetic point inside the governorate's polygon, west of the Yellow Line in force at the ceasefire (the kit's geography). */
function pointIn(random: SeededRandom, governorate: string): { latitude: number; longitude: number } {
  const [latitude, longitude] = syntheticPoint(governorate, () => random.next());
  return { latitude, longitude };
}

/** `count` distinct items, in the list's order. */
function sample<T>(random: SeededRandom, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(random.pick(items));
  return items.filter((item) => chosen.has(item));
}

const governorateOf = (pcode: string) => pcode.slice(0, 6);

export async function seed(db: Database): Promise<void> {
  await seedOnce(db, 'coordination-synthetic-v2', async (tx) => {
    const random = new SeededRandom(0xc0de);

    const participants = [...NATIONS.map((id) => [id, 'NATION'] as const), ...ORGANIZATION_PARTICIPANTS.map((id) => [id, 'ORGANIZATION'] as const)];
    await insertRows(
      tx,
      PARTICIPANT_TABLE,
      ['id', 'kind', 'joined_on', 'liaison_officers', 'liaison_roles', 'working_groups', 'source', ...MARKING_COLUMNS],
      participants.map(([id, kind], i) => [
        id,
        kind,
        // From the opening on 17 Oct 2025 to 11 Dec 2025 (illustrative days).
        addDays(new Date('2025-10-17T00:00:00Z'), i === 0 ? 0 : random.int(1, 55))
          .toISOString()
          .slice(0, 10),
        random.int(1, kind === 'NATION' ? 12 : 4),
        sample(random, ROLES, random.int(1, 3)),
        sample(random, GROUPS, random.int(1, 3)),
        'SYNTHETIC',
        ...markingCells(ROSTER_MARKING),
      ]),
    );

    const originators = [...NATIONS.filter((n) => n !== 'AUS'), ...ORGANIZATION_PARTICIPANTS];
    const subjects = ['CONVOY', 'CROSSING', 'FACILITY', 'AREA', 'SECURITY_INCIDENT'] as const;
    const statuses = ['OPEN', 'OPEN', 'IN_PROGRESS', 'IN_PROGRESS', 'RESOLVED', 'REJECTED', 'WITHDRAWN'] as const;
    const requests: unknown[][] = [];
    const decisions: unknown[][] = [];
    for (let n = 1; n <= SEED_REQUEST_COUNT; n++) {
      const subject = subjects[(n - 1) % subjects.length];
      const originator = random.pick(originators);
      const reportedAt = addDays(SYNTHETIC_EPOCH, 7 + n * 2 + random.next());
      const crossing = subject === 'CROSSING' || (subject === 'CONVOY' && random.chance(0.5)) ? random.pick(Object.keys(CROSSING_AREAS)) : null;
      const area = crossing && subject === 'CROSSING' ? CROSSING_AREAS[crossing] : random.pick(LOCALITIES).pcode;
      const convoy = subject === 'CONVOY' ? convoyId(random.int(1, CONVOY_COUNT)) : null;
      const facility = subject === 'FACILITY' || (subject === 'CONVOY' && random.chance(0.5)) ? hospitalId(random.int(1, HOSPITAL_COUNT)) : null;
      const incident = subject === 'SECURITY_INCIDENT' ? incidentId(random.int(1, SEEDED_INCIDENTS)) : null;
      const status = random.pick(statuses);
      const assigned = status === 'OPEN' ? null : random.pick(GROUPS);
      const place = LOCALITIES.find((l) => l.pcode === area)?.name ?? GOVERNORATES.find((g) => g.pcode === area)?.name ?? area;
      const about = { CONVOY: `convoy ${convoy}`, CROSSING: `crossing ${crossing}`, FACILITY: `facility ${facility}`, AREA: place, SECURITY_INCIDENT: `incident ${incident}` }[subject];
      const id = requestId(n);
      requests.push([
        id,
        `Synthetic ${subject === 'AREA' ? 'deconfliction' : 'assistance'} request ${n}: ${about}`,
        `Synthetic request raised by ${originator} about ${about} (${place}); illustrative only.`,
        subject,
        area,
        convoy,
        crossing,
        facility,
        incident,
        random.pick(['ROUTINE', 'ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH']),
        status,
        assigned,
        addDays(reportedAt, random.int(1, 5)).toISOString(),
        reportedAt.toISOString(),
        'SYNTHETIC',
        ...markingCells(syntheticMarking(random, originator)),
      ]);
      // A thread that explains the status: one decision taking it up, and one ending it when it has ended.
      if (status !== 'OPEN') {
        decisions.push([`DEC-${id}-1`, id, 'seed-coordinator', 'CMCC', addDays(reportedAt, 0.2).toISOString(), `Taken up by the ${assigned} working group`, 'Synthetic rationale: within the group remit.', 'IN_PROGRESS']);
      }
      if (status === 'RESOLVED' || status === 'REJECTED' || status === 'WITHDRAWN') {
        const [decider, reason] =
          status === 'WITHDRAWN' ? ['seed-requester', 'Synthetic rationale: no longer needed by the requester.'] : ['seed-coordinator', 'Synthetic rationale: illustrative outcome.'];
        decisions.push([`DEC-${id}-2`, id, decider, status === 'WITHDRAWN' ? originator : 'CMCC', addDays(reportedAt, 1).toISOString(), `Request ${status.toLowerCase()}`, reason, status]);
      }
    }
    await insertRows(
      tx,
      REQUEST_TABLE,
      [
        'id',
        'title',
        'description',
        'subject_type',
        'area_pcode',
        'convoy_id',
        'crossing_id',
        'facility_id',
        'incident_id',
        'priority',
        'status',
        'assigned_group',
        'due_at',
        'reported_at',
        'source',
        ...MARKING_COLUMNS,
      ],
      requests,
    );
    await insertRows(tx, DECISION_TABLE, ['id', 'request_id', 'decided_by', 'decided_for', 'decided_at', 'decision', 'rationale', 'status_after'], decisions);

    const notifiers = [...ORGANIZATION_PARTICIPANTS, ...ORGANIZATIONS.filter((o) => o.acronym === 'UNRWA' || o.acronym === 'IOM').map((o) => o.id)];
    const notifications: unknown[][] = [];
    for (let n = 1; n <= SEED_NOTIFICATION_COUNT; n++) {
      const kind = n % 3 === 0 ? 'MOVEMENT' : 'SITE';
      const locality = random.pick(LOCALITIES);
      const governorate = governorateOf(locality.pcode);
      const site = pointIn(random, governorate);
      const route = kind === 'MOVEMENT' ? [pointIn(random, governorate), pointIn(random, governorate), pointIn(random, governorate)] : null;
      const start = addDays(SYNTHETIC_EPOCH, 10 + n * 3 + random.next());
      const acknowledged = random.chance(0.6);
      const outcome = acknowledged ? random.pick(['NO_CONFLICT', 'NO_CONFLICT', 'DECONFLICTED_WITH_CONDITIONS', 'CONFLICT_IDENTIFIED']) : null;
      notifications.push([
        notificationId(n),
        kind,
        `Synthetic ${kind === 'SITE' ? 'site' : 'movement'} notification ${n} (${locality.name})`,
        locality.pcode,
        kind === 'SITE' ? site.latitude : null,
        kind === 'SITE' ? site.longitude : null,
        route ? JSON.stringify(route) : null,
        start.toISOString(),
        addDays(start, kind === 'SITE' ? random.int(3, 20) : 0.5).toISOString(),
        acknowledged ? 'ACKNOWLEDGED' : 'PENDING',
        outcome,
        acknowledged ? 'seed-liaison' : null,
        acknowledged ? random.pick(['ISR', 'USA']) : null,
        acknowledged ? addDays(start, -0.5).toISOString() : null,
        outcome && outcome !== 'NO_CONFLICT' ? 'Synthetic note: illustrative conditions.' : null,
        addDays(start, -1).toISOString(),
        'SYNTHETIC',
        ...markingCells(syntheticMarking(random, random.pick(notifiers))),
      ]);
    }
    await insertRows(
      tx,
      NOTIFICATION_TABLE,
      [
        'id',
        'kind',
        'title',
        'area_pcode',
        'latitude',
        'longitude',
        'route',
        'window_start',
        'window_end',
        'acknowledgement_status',
        'acknowledgement_outcome',
        'acknowledged_by',
        'acknowledged_for',
        'acknowledged_at',
        'acknowledgement_note',
        'reported_at',
        'source',
        ...MARKING_COLUMNS,
      ],
      notifications,
    );
  });
}

import { randomUUID } from 'node:crypto';
import { coordinatesProblem, markingColumns, mutateRecord, UserErrors, type AccessMarking, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { GAZA_PCODES } from '../data/geography.ts';
import { CEASEFIRE_DATE, eventDateProblem, occurredAtProblem, subEventTypeProblem } from '../data/rules.ts';

const GROUP = 'security';

interface Args<I> {
  input: I;
  idempotencyKey?: string | null;
}

interface ReportIncidentInput {
  eventDate: string;
  occurredAt?: Date | null;
  eventType: string;
  subEventType?: string | null;
  actor1: string;
  actor2?: string | null;
  areaPcode: string;
  locationName: string;
  latitude?: number | null;
  longitude?: number | null;
  fatalities?: number | null;
  injured?: number | null;
  affectsAid: boolean;
  convoyId?: string | null;
  source: string;
  sourceEventId?: string | null;
  citedSources?: string | null;
  verification?: string | null;
  verificationNote?: string | null;
  notes?: string | null;
  marking: AccessMarking;
}

interface UpdateVerificationInput {
  id: string;
  version: number;
  verification: string;
  note: string;
}

interface ReportViolationInput {
  reportedBy: string;
  allegedParty: string;
  violationType: string;
  occurredAt: Date;
  areaPcode: string;
  yellowLineSide: string;
  distanceToLineM?: number | null;
  verification?: string | null;
  incidentId?: string | null;
  notes?: string | null;
  source: string;
  marking: AccessMarking;
}

/** Within about 50 metres of the yellow line counts as on it (YellowLineSide.ON_LINE). */
const ON_LINE_METRES = 50;

const blank = (text: string | null | undefined) => !text || text.trim() === '';
const trimmed = (text: string | null | undefined) => (blank(text) ? null : text!.trim());

function requireText(value: string | null | undefined, field: string[], message: string, errors: UserError[]): void {
  if (blank(value)) errors.push({ field, code: 'REQUIRED', message });
}

function checkCount(value: number | null | undefined, field: string[], errors: UserError[]): void {
  if (value !== null && value !== undefined && value < 0) errors.push({ field, code: 'INVALID', message: 'Must be zero or more (leave it out when no figure was reported)' });
}

/** Areas are owned by civil-administration; the CMCC area list (the kit's reference keys) is what may be referred to. */
function checkArea(pcode: string, errors: UserError[]): void {
  if (!GAZA_PCODES.has(pcode)) {
    errors.push({ field: ['input', 'areaPcode'], code: 'UNKNOWN_REFERENCE', message: `No area of the Gaza Strip has the P-code "${pcode}" (e.g. PS0270 Khan Younis, PS027001)` });
  }
}

/** A verification other than UNVERIFIED rests on something: the note says what. */
function checkVerificationNote(verification: string, note: string | null | undefined, field: string[], errors: UserError[]): void {
  if (verification !== 'UNVERIFIED' && blank(note)) {
    errors.push({ field, code: 'REQUIRED', message: `Say why the incident is ${verification} (e.g. which independent source or observation supports it)` });
  }
}

function validateIncident(input: ReportIncidentInput): UserError[] {
  const errors: UserError[] = [];
  const at = (name: string) => ['input', name];
  const dateProblem = eventDateProblem(input.eventDate);
  if (dateProblem) errors.push({ field: at('eventDate'), code: 'INVALID', message: dateProblem });
  if (input.occurredAt) {
    const problem = occurredAtProblem(input.occurredAt, input.eventDate);
    if (problem) errors.push({ field: at('occurredAt'), code: 'INVALID', message: problem });
  }
  const subEvent = subEventTypeProblem(input.eventType, input.subEventType);
  if (subEvent) errors.push({ field: at('subEventType'), code: 'INVALID', message: subEvent });
  requireText(input.actor1, at('actor1'), 'Name the actor who initiated the event (ACLED actor1), e.g. "Unidentified Armed Group (Palestine)"', errors);
  requireText(input.locationName, at('locationName'), 'Name the place as reported', errors);
  checkArea(input.areaPcode, errors);
  const coordinates = coordinatesProblem(input.latitude, input.longitude);
  if (coordinates) errors.push({ field: at(coordinates.missing ?? 'latitude'), code: coordinates.missing ? 'REQUIRED' : 'INVALID', message: coordinates.message });
  checkCount(input.fatalities, at('fatalities'), errors);
  checkCount(input.injured, at('injured'), errors);
  if (input.convoyId != null && blank(input.convoyId)) errors.push({ field: at('convoyId'), code: 'INVALID', message: 'Give the convoy id (e.g. CONVOY-0001) or leave it out' });
  if (!blank(input.convoyId) && !input.affectsAid) {
    errors.push({ field: at('affectsAid'), code: 'INVALID', message: 'An incident linked to a convoy affects aid: set affectsAid to true or leave out the convoy' });
  }
  if (input.sourceEventId != null && blank(input.sourceEventId))
    errors.push({ field: at('sourceEventId'), code: 'INVALID', message: "Give the source's event id or leave it out" });
  checkVerificationNote(input.verification ?? 'UNVERIFIED', input.verificationNote, at('verificationNote'), errors);
  return errors;
}

function validateViolation(input: ReportViolationInput): UserError[] {
  const errors: UserError[] = [];
  const at = (name: string) => ['input', name];
  requireText(input.reportedBy, at('reportedBy'), 'Name who makes the allegation (a party, a mediator or a monitoring team)', errors);
  requireText(input.allegedParty, at('allegedParty'), 'Name the party alleged to have violated the ceasefire', errors);
  if (input.occurredAt.toISOString().slice(0, 10) < CEASEFIRE_DATE) {
    errors.push({ field: at('occurredAt'), code: 'INVALID', message: `The ceasefire took effect on ${CEASEFIRE_DATE}; an event before it cannot violate it` });
  } else if (input.occurredAt.getTime() > Date.now()) {
    errors.push({
      field: at('occurredAt'),
      code: 'INVALID',
      message: `${input.occurredAt.toISOString()} is in the future; a violation is reported once it is alleged to have happened`,
    });
  }
  checkArea(input.areaPcode, errors);
  const distance = input.distanceToLineM;
  if (distance != null && distance < 0) {
    errors.push({ field: at('distanceToLineM'), code: 'INVALID', message: 'A distance is zero or more metres' });
  } else if (distance != null && input.yellowLineSide === 'ON_LINE' && distance > ON_LINE_METRES) {
    errors.push({
      field: at('distanceToLineM'),
      code: 'INVALID',
      message: `ON_LINE means within about ${ON_LINE_METRES} m of the yellow line, not ${distance} m; give the side (HELD_SIDE or WITHDRAWN_SIDE) or UNKNOWN`,
    });
  }
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async reportIncident(_root, { input, idempotencyKey }: Args<ReportIncidentInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'reportIncident',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateIncident(input),
        async write(writer, tx) {
          const sourceEventId = trimmed(input.sourceEventId);
          if (sourceEventId) {
            // The event id is unique across all incidents, released to the writer or not; a withheld one is not named.
            const taken = await loaders.repository.incidentBySourceEventId(tx, sourceEventId);
            if (taken) {
              const which = taken.released ? `Incident ${taken.id}` : 'Another incident';
              throw new UserErrors([{ field: ['input', 'sourceEventId'], code: 'DUPLICATE', message: `${which} already records the source's event ${sourceEventId}` }]);
            }
          }
          const row = await writer.create('security_incident', 'SecurityIncident', {
            id: `INC-${randomUUID()}`,
            event_date: input.eventDate,
            occurred_at: input.occurredAt ?? null,
            event_type: input.eventType,
            sub_event_type: input.subEventType ?? null,
            actor1: input.actor1.trim(),
            actor2: trimmed(input.actor2),
            area_pcode: input.areaPcode,
            location_name: input.locationName.trim(),
            latitude: input.latitude ?? null,
            longitude: input.longitude ?? null,
            fatalities: input.fatalities ?? null,
            injured: input.injured ?? null,
            affects_aid: input.affectsAid,
            convoy_id: trimmed(input.convoyId),
            source: input.source,
            source_event_id: sourceEventId,
            cited_sources: trimmed(input.citedSources),
            verification: input.verification ?? 'UNVERIFIED',
            verification_note: trimmed(input.verificationNote),
            notes: trimmed(input.notes),
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.incidentById.clear(id).load(id),
      },
    );
    return { incident: record, userErrors };
  },

  async updateIncidentVerification(_root, { input, idempotencyKey }: Args<UpdateVerificationInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'updateIncidentVerification',
        input,
        idempotencyKey,
        validate() {
          const errors: UserError[] = [];
          requireText(input.note, ['input', 'note'], `Say why the incident is now ${input.verification} (the source, observation or investigation it rests on)`, errors);
          if (input.version < 1) errors.push({ field: ['input', 'version'], code: 'INVALID', message: 'A version is 1 or more: give the version you last read' });
          return errors;
        },
        async write(writer) {
          // An incident not released to the editor is refused by the writer exactly like an unknown id.
          const row = await writer.update('security_incident', 'SecurityIncident', input.id, input.version, {
            verification: input.verification,
            verification_note: input.note.trim(),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.incidentById.clear(id).load(id),
      },
    );
    return { incident: record, userErrors };
  },

  async reportCeasefireViolation(_root, { input, idempotencyKey }: Args<ReportViolationInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'reportCeasefireViolation',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateViolation(input),
        async write(writer, tx) {
          const incidentId = trimmed(input.incidentId);
          // Only an incident released to the writer may be linked; a withheld one is refused like an unknown id.
          if (incidentId && !(await loaders.repository.incidentReleased(tx, incidentId))) {
            throw new UserErrors([{ field: ['input', 'incidentId'], code: 'UNKNOWN_REFERENCE', message: `No security incident has the id "${incidentId}"` }]);
          }
          const row = await writer.create('ceasefire_violation_report', 'CeasefireViolationReport', {
            id: `CFV-${randomUUID()}`,
            reported_by: input.reportedBy.trim(),
            alleged_party: input.allegedParty.trim(),
            violation_type: input.violationType,
            occurred_at: input.occurredAt,
            area_pcode: input.areaPcode,
            yellow_line_side: input.yellowLineSide,
            distance_to_line_m: input.distanceToLineM ?? null,
            verification: input.verification ?? 'UNVERIFIED',
            incident_id: incidentId,
            notes: trimmed(input.notes),
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.violationReportById.clear(id).load(id),
      },
    );
    return { ceasefireViolationReport: record, userErrors };
  },
};

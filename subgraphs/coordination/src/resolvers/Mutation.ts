import { randomUUID } from 'node:crypto';
import {
  CROSSING_IDS,
  GAZA_STRIP,
  KNOWN_PCODES,
  markingColumns,
  mutateRecord,
  UserErrors,
  type AccessMarking,
  type Principal,
  type RecordWriter,
  type Resolvers,
  type UserError,
  coordinateProblem,
} from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { DECISION_TABLE, NOTIFICATION_TABLE, REQUEST_TABLE, type RoutePoint } from '../data/repository.ts';
import { requestTransitionProblem, type RequestStatus } from './transitions.ts';

const GROUP = 'coordination';

type Args<T> = { input: T; idempotencyKey?: string | null };
type Context = { db: Parameters<typeof mutateRecord>[0]; principal: Principal; requestId: string; loaders: Loaders };
const at = (...path: string[]) => ['input', ...path];

interface RaiseInput {
  title: string;
  description: string;
  subjectType: 'CONVOY' | 'CROSSING' | 'FACILITY' | 'AREA' | 'SECURITY_INCIDENT';
  areaPcode: string;
  convoyId?: string | null;
  crossingId?: string | null;
  facilityId?: string | null;
  incidentId?: string | null;
  priority: string;
  dueAt?: Date | null;
  source: string;
  marking: AccessMarking;
}

interface ChangeInput {
  id: string;
  version: number;
}

interface NotifyInput {
  kind: 'SITE' | 'MOVEMENT';
  title: string;
  areaPcode: string;
  latitude?: number | null;
  longitude?: number | null;
  route?: RoutePoint[] | null;
  windowStart: Date;
  windowEnd: Date;
  source: string;
  marking: AccessMarking;
}

/** The shapes other groups give their keys; a key of the wrong shape is an UNKNOWN_REFERENCE, not a silent dangling link. */
const REFERENCES = {
  convoyId: { pattern: /^CONVOY-[A-Za-z0-9-]{1,80}$/, example: 'CONVOY-0007', subject: 'CONVOY' },
  facilityId: { pattern: /^FAC-[A-Za-z0-9-]{1,80}$/, example: 'FAC-HOSPITAL-003', subject: 'FACILITY' },
  incidentId: { pattern: /^INC-[A-Za-z0-9-]{1,80}$/, example: 'INC-0012', subject: 'SECURITY_INCIDENT' },
} as const;

/** Area P-codes a request or notification may name: the Gaza Strip and the areas below it. */
const GAZA_PCODES = new Set([...KNOWN_PCODES].filter((pcode) => pcode.startsWith(GAZA_STRIP.pcode)));

function checkText(value: string, max: number, field: string[], label: string, errors: UserError[]): void {
  const length = value.trim().length;
  if (length === 0 || length > max) errors.push({ field, code: length === 0 ? 'REQUIRED' : 'INVALID', message: `${label} is 1 to ${max} characters` });
}

function checkArea(pcode: string, errors: UserError[]): void {
  if (!GAZA_PCODES.has(pcode)) {
    errors.push({
      field: at('areaPcode'),
      code: 'UNKNOWN_REFERENCE',
      message: `No area of the Gaza Strip has the P-code "${pcode}"; use a governorate or locality P-code such as PS0270`,
    });
  }
}

function validateRaise(input: RaiseInput): UserError[] {
  const errors: UserError[] = [];
  checkText(input.title, 200, at('title'), 'A title', errors);
  checkText(input.description, 2000, at('description'), 'A description', errors);
  checkArea(input.areaPcode, errors);
  for (const [name, reference] of Object.entries(REFERENCES)) {
    const value = input[name as keyof typeof REFERENCES];
    if (value != null && !reference.pattern.test(value)) {
      errors.push({ field: at(name), code: 'UNKNOWN_REFERENCE', message: `"${value}" is not a ${name.replace(/Id$/, '')} id; ids look like ${reference.example}` });
    }
    if (input.subjectType === reference.subject && value == null) {
      errors.push({ field: at(name), code: 'REQUIRED', message: `A request about a ${reference.subject} names it: give ${name}` });
    }
  }
  if (input.crossingId != null && !(CROSSING_IDS as readonly string[]).includes(input.crossingId)) {
    errors.push({ field: at('crossingId'), code: 'UNKNOWN_REFERENCE', message: `No crossing has the id "${input.crossingId}"; crossings are ${CROSSING_IDS.join(', ')}` });
  }
  if (input.subjectType === 'CROSSING' && input.crossingId == null) {
    errors.push({ field: at('crossingId'), code: 'REQUIRED', message: 'A request about a CROSSING names it: give crossingId' });
  }
  if (input.dueAt && input.dueAt.getTime() < Date.now()) errors.push({ field: at('dueAt'), code: 'INVALID', message: 'The due time cannot be in the past' });
  return errors;
}

/** Who a principal acts for: its nation, else its organisation. */
const actingFor = (principal: Principal) => principal.nation ?? principal.organization ?? principal.subject;

/**
 * Locks a request the writer may see (a withheld one is NOT_FOUND, exactly as an unknown one) and refuses a stale
 * version with CONFLICT before any transition is judged on a state the caller has not seen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the row's columns are the table's
async function lockRequest(writer: RecordWriter, input: ChangeInput): Promise<Record<string, any>> {
  const current = await writer.lock(REQUEST_TABLE, 'CoordinationRequest', input.id, at('id'));
  if (current.version !== input.version) {
    throw new UserErrors([
      {
        field: at('version'),
        code: 'CONFLICT',
        message: `CoordinationRequest ${input.id} is at version ${current.version}, not ${input.version}: ${current.updated_by ?? current.recorded_by} changed it since you read it. Reload it and apply your change again.`,
      },
    ]);
  }
  return current;
}

function refuseTransition(from: string, to: string, action: string, field: string[]): void {
  const problem = requestTransitionProblem(from as RequestStatus, to as RequestStatus, action);
  if (problem) throw new UserErrors([{ field, code: 'INVALID', message: problem }]);
}

/** Appends one decision to a request's thread; the decision inherits the request's marking (it has none of its own). */
async function appendDecision(writer: RecordWriter, principal: Principal, requestId: string, decision: string, rationale: string, statusAfter: string | null): Promise<void> {
  await writer.create(DECISION_TABLE, 'Decision', {
    id: `DEC-${randomUUID()}`,
    request_id: requestId,
    decided_by: principal.subject,
    decided_for: actingFor(principal),
    decided_at: new Date(),
    decision: decision.trim(),
    rationale: rationale.trim(),
    status_after: statusAfter,
  });
}

/** One change to an existing request, read back under the caller's own visibility. */
function changeRequest<T extends ChangeInput>(
  mutation: string,
  validate: (input: T) => UserError[],
  write: (writer: RecordWriter, current: Record<string, unknown>, input: T, principal: Principal) => Promise<void>,
) {
  return async (_root: unknown, { input, idempotencyKey }: Args<T>, { db, principal, requestId, loaders }: Context) => {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation,
        input,
        idempotencyKey,
        validate: () => validate(input),
        async write(writer) {
          const current = await lockRequest(writer, input);
          await write(writer, current, input, principal);
          return { id: input.id };
        },
        readBack: (id) => loaders.coordinationRequestById.clear(id).load(id),
      },
    );
    return { coordinationRequest: record, userErrors };
  };
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async raiseCoordinationRequest(_root, { input, idempotencyKey }: Args<RaiseInput>, { db, principal, requestId, loaders }) {
    // The kit checks the marking, the scope and the writing rule (the writer is the originator, at most at its
    // clearance), writes with history and provenance, and reads the request back under the caller's own visibility.
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'raiseCoordinationRequest',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateRaise(input),
        async write(writer) {
          const row = await writer.create(REQUEST_TABLE, 'CoordinationRequest', {
            id: `CR-${randomUUID()}`,
            title: input.title.trim(),
            description: input.description.trim(),
            subject_type: input.subjectType,
            area_pcode: input.areaPcode,
            convoy_id: input.convoyId ?? null,
            crossing_id: input.crossingId ?? null,
            facility_id: input.facilityId ?? null,
            incident_id: input.incidentId ?? null,
            priority: input.priority,
            status: 'OPEN',
            due_at: input.dueAt ?? null,
            reported_at: new Date(),
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.coordinationRequestById.clear(id).load(id),
      },
    );
    return { coordinationRequest: record, userErrors };
  },

  assignCoordinationRequest: changeRequest<ChangeInput & { workingGroup: string }>(
    'assignCoordinationRequest',
    () => [],
    async (writer, current, input) => {
      refuseTransition(String(current.status), 'IN_PROGRESS', 'assigned', at('id'));
      await writer.update(REQUEST_TABLE, 'CoordinationRequest', input.id, input.version, { assigned_group: input.workingGroup, status: 'IN_PROGRESS' });
    },
  ),

  decideCoordinationRequest: changeRequest<ChangeInput & { decision: string; rationale: string; statusAfter?: string | null }>(
    'decideCoordinationRequest',
    (input) => {
      const errors: UserError[] = [];
      checkText(input.decision, 500, at('decision'), 'A decision', errors);
      checkText(input.rationale, 2000, at('rationale'), 'A rationale', errors);
      if (input.statusAfter != null && !['IN_PROGRESS', 'REJECTED'].includes(input.statusAfter)) {
        errors.push({
          field: at('statusAfter'),
          code: 'INVALID',
          message: `A decision moves a request only to IN_PROGRESS or REJECTED; use resolveCoordinationRequest or withdrawCoordinationRequest for ${input.statusAfter}`,
        });
      }
      return errors;
    },
    async (writer, current, input, principal) => {
      const statusAfter = input.statusAfter ?? null;
      refuseTransition(String(current.status), statusAfter ?? String(current.status), 'decided on', at('statusAfter'));
      await appendDecision(writer, principal, input.id, input.decision, input.rationale, statusAfter);
      // Record the decision on the request too (version + 1), so a concurrent change made on the old thread conflicts.
      await writer.update(REQUEST_TABLE, 'CoordinationRequest', input.id, input.version, { status: statusAfter ?? current.status, last_decision_at: new Date() });
    },
  ),

  resolveCoordinationRequest: changeRequest<ChangeInput & { resolution: string }>(
    'resolveCoordinationRequest',
    (input) => {
      const errors: UserError[] = [];
      checkText(input.resolution, 2000, at('resolution'), 'A resolution', errors);
      return errors;
    },
    async (writer, current, input, principal) => {
      refuseTransition(String(current.status), 'RESOLVED', 'resolved', at('id'));
      await appendDecision(writer, principal, input.id, 'Resolved', input.resolution, 'RESOLVED');
      await writer.update(REQUEST_TABLE, 'CoordinationRequest', input.id, input.version, { status: 'RESOLVED', last_decision_at: new Date() });
    },
  ),

  withdrawCoordinationRequest: changeRequest<ChangeInput & { reason: string }>(
    'withdrawCoordinationRequest',
    (input) => {
      const errors: UserError[] = [];
      checkText(input.reason, 2000, at('reason'), 'A reason', errors);
      return errors;
    },
    async (writer, current, input, principal) => {
      refuseTransition(String(current.status), 'WITHDRAWN', 'withdrawn', at('id'));
      const originator = String(current.originator);
      if (principal.nation !== originator && principal.organization !== originator) {
        throw new UserErrors([{ field: at('id'), code: 'INVALID', message: `Only the participant that raised the request (${originator}) may withdraw it` }]);
      }
      await appendDecision(writer, principal, input.id, 'Withdrawn by the requester', input.reason, 'WITHDRAWN');
      await writer.update(REQUEST_TABLE, 'CoordinationRequest', input.id, input.version, { status: 'WITHDRAWN', last_decision_at: new Date() });
    },
  ),

  async submitHumanitarianNotification(_root, { input, idempotencyKey }: Args<NotifyInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'submitHumanitarianNotification',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateNotification(input),
        async write(writer) {
          const row = await writer.create(NOTIFICATION_TABLE, 'HumanitarianNotification', {
            id: `HN-${randomUUID()}`,
            kind: input.kind,
            title: input.title.trim(),
            area_pcode: input.areaPcode,
            latitude: input.kind === 'SITE' ? input.latitude : null,
            longitude: input.kind === 'SITE' ? input.longitude : null,
            route: input.kind === 'MOVEMENT' ? input.route!.map((p) => ({ latitude: p.latitude, longitude: p.longitude })) : null,
            window_start: input.windowStart,
            window_end: input.windowEnd,
            acknowledgement_status: 'PENDING',
            reported_at: new Date(),
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.notificationById.clear(id).load(id),
      },
    );
    return { humanitarianNotification: record, userErrors };
  },

  async acknowledgeHumanitarianNotification(
    _root,
    { input, idempotencyKey }: Args<ChangeInput & { outcome: string; note?: string | null }>,
    { db, principal, requestId, loaders },
  ) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'acknowledgeHumanitarianNotification',
        input,
        idempotencyKey,
        validate() {
          const errors: UserError[] = [];
          if (!principal.nation) {
            errors.push({ field: at('id'), code: 'INVALID', message: 'The military side acknowledges a notification: a principal acting for a nation' });
          }
          if (input.note != null) checkText(input.note, 2000, at('note'), 'A note', errors);
          if (input.outcome !== 'NO_CONFLICT' && !input.note?.trim()) {
            errors.push({ field: at('note'), code: 'REQUIRED', message: `A ${input.outcome} acknowledgement says what the conditions or the conflict are: give a note` });
          }
          return errors;
        },
        async write(writer) {
          const current = await writer.lock(NOTIFICATION_TABLE, 'HumanitarianNotification', input.id, at('id'));
          if (current.version === input.version && current.acknowledgement_status !== 'PENDING') {
            throw new UserErrors([
              { field: at('id'), code: 'INVALID', message: `The notification was already acknowledged (${current.acknowledgement_outcome}); it is acknowledged once` },
            ]);
          }
          await writer.update(NOTIFICATION_TABLE, 'HumanitarianNotification', input.id, input.version, {
            acknowledgement_status: 'ACKNOWLEDGED',
            acknowledgement_outcome: input.outcome,
            acknowledged_by: principal.subject,
            acknowledged_for: principal.nation,
            acknowledged_at: new Date(),
            acknowledgement_note: input.note?.trim() || null,
          });
          return { id: input.id };
        },
        readBack: (id) => loaders.notificationById.clear(id).load(id),
      },
    );
    return { humanitarianNotification: record, userErrors };
  },
};

function validateNotification(input: NotifyInput): UserError[] {
  const errors: UserError[] = [];
  checkText(input.title, 200, at('title'), 'A title', errors);
  checkArea(input.areaPcode, errors);
  if (input.kind === 'SITE') {
    if (input.latitude == null || input.longitude == null) {
      errors.push({ field: at(input.latitude == null ? 'latitude' : 'longitude'), code: 'REQUIRED', message: 'A SITE is notified with its latitude and longitude' });
    } else {
      const problem = coordinateProblem(input.latitude, input.longitude);
      if (problem) errors.push({ field: at('latitude'), code: 'INVALID', message: problem });
    }
    if (input.route != null) errors.push({ field: at('route'), code: 'INVALID', message: 'A SITE has no route; notify a MOVEMENT for a route' });
  } else {
    if (input.latitude != null || input.longitude != null) {
      errors.push({ field: at('latitude'), code: 'INVALID', message: 'A MOVEMENT is notified with its route, not a single point' });
    }
    if (!input.route || input.route.length < 2 || input.route.length > 50) {
      errors.push({ field: at('route'), code: input.route ? 'INVALID' : 'REQUIRED', message: 'A MOVEMENT is notified with a route of 2 to 50 points' });
    } else {
      input.route.forEach((point, index) => {
        const problem = coordinateProblem(point.latitude, point.longitude);
        if (problem) errors.push({ field: at('route', String(index)), code: 'INVALID', message: problem });
      });
    }
  }
  const span = input.windowEnd.getTime() - input.windowStart.getTime();
  if (span <= 0) errors.push({ field: at('windowEnd'), code: 'INVALID', message: 'The window ends after it starts' });
  else if (span > 30 * 24 * 3600 * 1000)
    errors.push({ field: at('windowEnd'), code: 'INVALID', message: 'A notification covers at most 30 days; notify again for a longer period' });
  return errors;
}

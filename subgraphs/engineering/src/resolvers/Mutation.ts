import { coordinatesProblem, markingColumns, mutateRecord, UserErrors, type AccessMarking, type RecordWriter, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { assessmentId, itemColumns, latestPossibleDate, TASK_STATUS_ORDER } from '../data/rules.ts';

const GROUP = 'engineering';

interface Args<I> {
  input: I;
  idempotencyKey?: string | null;
}

interface FacilityStatusInput {
  facilityId: string;
  version: number;
  status: string;
  statusAsOf: string;
  source: string;
  marking: AccessMarking;
}

interface DamageAssessmentInput {
  facilityId: string;
  version?: number | null;
  method: string;
  damageClass: string;
  imageryDate: string;
  latitude?: number | null;
  longitude?: number | null;
  source: string;
  marking: AccessMarking;
}

interface TaskInput {
  id: string;
  version: number;
  status?: string | null;
  itemsFound?: { type: string; count: number }[] | null;
  marking: AccessMarking;
}

function checkNotFuture(date: string, field: string[], errors: UserError[]): void {
  if (date > latestPossibleDate()) errors.push({ field, code: 'INVALID', message: `${date} is in the future; give the date it refers to` });
}

/** A reported point: both halves or neither, and inside the Gaza Strip's governorates (the same check as imports and every other group's writes). */
function checkCoordinates(latitude: number | null | undefined, longitude: number | null | undefined, errors: UserError[]): void {
  const problem = coordinatesProblem(latitude, longitude);
  if (problem) errors.push({ field: ['input', problem.missing ?? 'latitude'], code: problem.missing ? 'REQUIRED' : 'INVALID', message: problem.message });
}

function checkVersion(version: number, errors: UserError[]): void {
  if (version < 1) errors.push({ field: ['input', 'version'], code: 'INVALID', message: 'A version is 1 or more: give the version you last read' });
}

/**
 * Locks the facility's row for the rest of the transaction. An unknown id, and a facility not released to the editor
 * alike, are the caller's `code` at `field`: an editor changes only what they may see, and learns nothing of the rest.
 */
async function lockFacility(writer: RecordWriter, id: string, field: string[], code: 'NOT_FOUND' | 'UNKNOWN_REFERENCE') {
  const facility = await writer.find('facility', id);
  if (typeof facility === 'string') throw new UserErrors([{ field, code, message: `No facility has the id "${id}"` }]);
  return facility;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordFacilityStatus(_root, { input, idempotencyKey }: Args<FacilityStatusInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordFacilityStatus',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          checkVersion(input.version, errors);
          checkNotFuture(input.statusAsOf, ['input', 'statusAsOf'], errors);
          return errors;
        },
        async write(writer) {
          const current = await lockFacility(writer, input.facilityId, ['input', 'facilityId'], 'NOT_FOUND');
          // A stale version is a CONFLICT (below, from the writer) before anything else: the caller's view is out of date.
          if (current.version === input.version && input.statusAsOf < current.status_as_of) {
            throw new UserErrors([
              {
                field: ['input', 'statusAsOf'],
                code: 'INVALID',
                message: `The facility's status is recorded as of ${current.status_as_of}; a status as of ${input.statusAsOf} is older and does not replace it`,
              },
            ]);
          }
          const row = await writer.update('facility', 'Facility', input.facilityId, input.version, {
            status: input.status,
            status_as_of: input.statusAsOf,
            status_source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.facilityById.clear(id).load(id),
      },
    );
    return { facility: record, userErrors };
  },

  async recordDamageAssessment(_root, { input, idempotencyKey }: Args<DamageAssessmentInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordDamageAssessment',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          if (input.version != null) checkVersion(input.version, errors);
          checkNotFuture(input.imageryDate, ['input', 'imageryDate'], errors);
          checkCoordinates(input.latitude, input.longitude, errors);
          return errors;
        },
        async write(writer) {
          const facility = await lockFacility(writer, input.facilityId, ['input', 'facilityId'], 'UNKNOWN_REFERENCE');
          // The id follows from the natural key (facility, date, method), as in imports: the same assessment is one record.
          const id = assessmentId(input.facilityId, input.imageryDate, input.method);
          const found = await writer.find('damage_assessment', { facility_id: input.facilityId, imagery_date: input.imageryDate, method: input.method });
          // The one assessment per facility, date and method exists but is not released to the editor: neither its id
          // nor its version is told, and it is not overwritten. (Correcting it is refused like correcting a missing one.)
          if (found === 'withheld') {
            throw new UserErrors([
              input.version != null
                ? {
                    field: ['input', 'version'],
                    code: 'NOT_FOUND',
                    message: `Facility ${input.facilityId} has no ${input.method} assessment for ${input.imageryDate} to correct; leave out the version to record a new one`,
                  }
                : { field: ['input', 'imageryDate'], code: 'DUPLICATE', message: `Facility ${input.facilityId} already has a ${input.method} assessment for ${input.imageryDate}` },
            ]);
          }
          const existing = found === 'missing' ? null : found;
          if (existing && input.version == null) {
            throw new UserErrors([
              {
                field: ['input', 'imageryDate'],
                code: 'DUPLICATE',
                message: `Facility ${input.facilityId} already has a ${input.method} assessment for ${input.imageryDate} (${existing.id}); give its version to correct it`,
              },
            ]);
          }
          if (!existing && input.version != null) {
            throw new UserErrors([
              {
                field: ['input', 'version'],
                code: 'NOT_FOUND',
                message: `Facility ${input.facilityId} has no ${input.method} assessment for ${input.imageryDate} to correct; leave out the version to record a new one`,
              },
            ]);
          }
          const values = {
            // An assessment of a facility lies where the facility lies.
            area_pcode: facility.area_pcode,
            damage_class: input.damageClass,
            latitude: input.latitude ?? null,
            longitude: input.longitude ?? null,
            source: input.source,
            ...markingColumns(input.marking),
          };
          const row = existing
            ? await writer.update('damage_assessment', 'DamageAssessment', String(existing.id), input.version ?? null, values)
            : await writer.create('damage_assessment', 'DamageAssessment', {
                id,
                facility_id: input.facilityId,
                method: input.method,
                imagery_date: input.imageryDate,
                ...values,
              });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.assessmentById.clear(id).load(id),
      },
    );
    return { damageAssessment: record, userErrors };
  },

  async updateExplosiveHazardTask(_root, { input, idempotencyKey }: Args<TaskInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'updateExplosiveHazardTask',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          checkVersion(input.version, errors);
          const seen = new Set<string>();
          (input.itemsFound ?? []).forEach((item, index) => {
            if (item.count < 1 || item.count > 10_000) {
              errors.push({ field: ['input', 'itemsFound', String(index), 'count'], code: 'INVALID', message: 'Must be from 1 to 10000; leave out kinds not found' });
            }
            if (seen.has(item.type)) {
              errors.push({ field: ['input', 'itemsFound', String(index), 'type'], code: 'INVALID', message: `${item.type} is listed twice; give one count per kind` });
            }
            seen.add(item.type);
          });
          return errors;
        },
        async write(writer) {
          const current = await writer.lock('explosive_hazard_task', 'explosive hazard task', input.id);
          const status = input.status ?? current.status;
          const items = input.itemsFound ?? (current.item_types as string[]).map((type, index) => ({ type, count: current.item_counts[index] }));
          // Checked only against the version the caller read; a stale version is a CONFLICT from the writer instead.
          if (current.version === input.version) {
            const errors: UserError[] = [];
            if (TASK_STATUS_ORDER.indexOf(status as never) < TASK_STATUS_ORDER.indexOf(current.status as never)) {
              errors.push({
                field: ['input', 'status'],
                code: 'INVALID',
                message: `Task ${input.id} is ${current.status}; a task only moves forward (${TASK_STATUS_ORDER.join(' → ')}), it cannot go back to ${status}`,
              });
            } else if (status === 'REQUESTED' && items.length > 0) {
              errors.push({ field: ['input', 'itemsFound'], code: 'INVALID', message: 'Items are found by assessing the site: set the status to ASSESSED (or later) with them' });
            }
            if (errors.length > 0) throw new UserErrors(errors);
          }
          const row = await writer.update('explosive_hazard_task', 'ExplosiveHazardTask', input.id, input.version, {
            status,
            ...itemColumns(items),
            ...markingColumns(input.marking),
            ...(status !== current.status ? { status_changed_at: new Date() } : {}),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.taskById.clear(id).load(id),
      },
    );
    return { explosiveHazardTask: record, userErrors };
  },
};

import { randomUUID } from 'node:crypto';
import { KNOWN_PCODES, markingColumns, mutateRecord, UserErrors, type AccessMarking, type Queryable, type Resolvers, type UserError, type Viewer } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { crossingReportId, lockVisible } from '../data/repository.ts';
import { consignmentTransitionProblem, convoyTransitionProblem, type ConsignmentStage, type ConvoyStatus } from './transitions.ts';

const GROUP = 'humanitarian';
/** A stage or a departure is recorded when it happens; a few minutes of clock skew between devices are tolerated. */
const CLOCK_SKEW_MS = 5 * 60_000;
const CARGO_CONVOYS = new Set(['COLLECTION', 'DELIVERY']);
const CARGO_TRAFFIC = new Set(['CARGO', 'FUEL']);

interface Args<I> {
  input: I;
  idempotencyKey?: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

interface CrossingReportInput {
  crossingId: string;
  date: string;
  source: string;
  version?: number | null;
  open: boolean;
  trucksOffloaded: number;
  trucksCollected: number;
  tonnes: number;
  fuelLitres: number;
  note?: string | null;
  marking: AccessMarking;
}

interface RequestConvoyInput {
  type: string;
  requestingOrganizationIds: string[];
  crossingId?: string | null;
  destinationPcode: string;
  plannedStart: Date;
  un2720Monitored?: boolean | null;
  /** The aid stream, stored as given; null when not given (never derived for a recorded convoy). */
  stream?: string | null;
  route?: string | null;
  driverNames?: string[] | null;
  source: string;
  marking: AccessMarking;
}

interface UpdateConvoyStatusInput {
  convoyId: string;
  version: number;
  status: ConvoyStatus;
  statusReason?: string | null;
  departedAt?: Date | null;
  arrivedAt?: Date | null;
}

interface AddConsignmentInput {
  convoyId: string;
  cargoCategory: string;
  pallets: number;
  tonnes: number;
  offloadedAt: Date;
  source: string;
}

interface ConsignmentStageInput {
  consignmentId: string;
  version: number;
  stage: ConsignmentStage;
  stageAt: Date;
}

const field = (...path: string[]) => ['input', ...path];

function checkCount(value: number, path: string[], errors: UserError[]): void {
  if (!Number.isFinite(value) || value < 0) errors.push({ field: path, code: 'INVALID', message: 'Must be zero or more' });
}

function checkNotFuture(value: Date, path: string[], errors: UserError[], what: string): void {
  if (value.getTime() > Date.now() + CLOCK_SKEW_MS)
    errors.push({ field: path, code: 'INVALID', message: `${what} is recorded once it has happened; ${value.toISOString()} is in the future` });
}

/**
 * Reads a record through the releasability rule and locks it for the rest of the transaction, so its checks hold
 * until the write. A record not released to the editor (for a consignment: whose convoy is not) is refused exactly
 * like a missing one, before anything about its state is told or changed.
 */
async function lockRecord(tx: Queryable, viewer: Viewer, table: 'convoy' | 'truck_consignment', id: string, path: string[], what: string): Promise<Row> {
  const row = await lockVisible(tx, viewer, table, { id });
  if (typeof row === 'string') throw new UserErrors([{ field: path, code: 'NOT_FOUND', message: `No ${what} has the id "${id}"` }]);
  return row;
}

/** A crossing with its recorded status on a day (`status` null and no traffic when none is recorded for the day). */
async function requireCrossing(tx: Queryable, id: string, on: Date = new Date()): Promise<Row> {
  const [crossing] = await tx.query<Row>(
    `SELECT c.id, c.name, p.status, coalesce(p.allowed_traffic, '{}') AS allowed_traffic FROM crossing c
     LEFT JOIN crossing_status_period p ON p.crossing_id = c.id
       AND (p.valid_from IS NULL OR p.valid_from <= $2::date) AND (p.valid_to IS NULL OR $2::date <= p.valid_to)
     WHERE c.id = $1`,
    [id, on.toISOString().slice(0, 10)],
  );
  if (!crossing) {
    throw new UserErrors([{ field: field('crossingId'), code: 'UNKNOWN_REFERENCE', message: `No crossing has the id "${id}"; list them with the crossings query` }]);
  }
  return crossing;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordCrossingReport(_root, { input, idempotencyKey }: Args<CrossingReportInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordCrossingReport',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          checkCount(input.trucksOffloaded, field('trucksOffloaded'), errors);
          checkCount(input.trucksCollected, field('trucksCollected'), errors);
          checkCount(input.tonnes, field('tonnes'), errors);
          checkCount(input.fuelLitres, field('fuelLitres'), errors);
          if (!input.open) {
            for (const name of ['trucksOffloaded', 'trucksCollected', 'tonnes', 'fuelLitres'] as const) {
              if (input[name] > 0) errors.push({ field: field(name), code: 'INVALID', message: `The crossing is reported closed that day, so ${name} must be 0` });
            }
          }
          if (input.date > new Date(Date.now() + CLOCK_SKEW_MS).toISOString().slice(0, 10)) {
            errors.push({ field: field('date'), code: 'INVALID', message: `A daily report is for a day that has begun; ${input.date} is in the future` });
          }
          return errors;
        },
        async write(writer, tx) {
          const crossing = await requireCrossing(tx, input.crossingId, new Date(`${input.date}T00:00:00Z`));
          // No report may show aid trucks through a crossing on a day its recorded status let none through (e.g. Rafah in late 2025).
          if ((input.trucksOffloaded > 0 || input.trucksCollected > 0) && !(crossing.allowed_traffic as string[]).includes('CARGO')) {
            throw new UserErrors([
              {
                field: field('trucksOffloaded'),
                code: 'INVALID',
                message: `${crossing.name} let no aid trucks through on ${input.date} (${crossing.status ?? 'no status recorded'}), so no trucks can be reported`,
              },
            ]);
          }
          const id = crossingReportId(input.crossingId, input.date, input.source);
          const values = {
            open: input.open,
            trucks_offloaded: input.trucksOffloaded,
            trucks_collected: input.trucksCollected,
            tonnes: Math.round(input.tonnes * 100) / 100,
            fuel_litres: input.fuelLitres,
            note: input.note?.trim() || null,
            ...markingColumns(input.marking),
          };
          // Found by its natural key (crossing, day, source), whatever id an older import gave it; a report not released
          // to the editor is neither corrected nor described.
          const found = await lockVisible(tx, loaders.viewer, 'crossing_daily_report', { crossing_id: input.crossingId, date: input.date, source: input.source });
          if (found === 'withheld') {
            // Correcting it is refused as for a missing report; recording it anew cannot be, as the day's report exists.
            throw new UserErrors([
              input.version != null
                ? {
                    field: field('version'),
                    code: 'NOT_FOUND',
                    message: `There is no ${input.source} report for ${input.crossingId} on ${input.date} to correct; omit the version to record it`,
                  }
                : { field: field('date'), code: 'DUPLICATE', message: `A ${input.source} report for ${input.crossingId} on ${input.date} exists already` },
            ]);
          }
          const existing = found === 'missing' ? null : found;
          if (!existing) {
            if (input.version != null) {
              throw new UserErrors([
                {
                  field: field('version'),
                  code: 'NOT_FOUND',
                  message: `There is no ${input.source} report for ${input.crossingId} on ${input.date} to correct; omit the version to record it`,
                },
              ]);
            }
            const row = await writer.create('crossing_daily_report', 'CrossingDailyReport', {
              id,
              crossing_id: input.crossingId,
              date: input.date,
              source: input.source,
              ...values,
            });
            return { id: String(row.id) };
          }
          if (input.version == null) {
            throw new UserErrors([
              {
                field: field('version'),
                code: 'REQUIRED',
                message: `A ${input.source} report for ${input.crossingId} on ${input.date} exists already (version ${existing.version}); give the version you last read to correct it`,
              },
            ]);
          }
          const row = await writer.update('crossing_daily_report', 'CrossingDailyReport', String(existing.id), input.version, values);
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.reportById.clear(id).load(id),
      },
    );
    return { crossingDailyReport: record, userErrors };
  },

  async requestConvoy(_root, { input, idempotencyKey }: Args<RequestConvoyInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'requestConvoy',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          const organizations = input.requestingOrganizationIds;
          if (organizations.length === 0) {
            errors.push({ field: field('requestingOrganizationIds'), code: 'REQUIRED', message: 'Name at least one requesting organisation, the lead organisation first' });
          }
          organizations.forEach((id, index) => {
            if (organizations.indexOf(id) !== index) {
              errors.push({ field: field('requestingOrganizationIds', String(index)), code: 'INVALID', message: `${id} is named twice` });
            }
          });
          if (input.type === 'COLLECTION' && !input.crossingId) {
            errors.push({ field: field('crossingId'), code: 'REQUIRED', message: 'A COLLECTION convoy collects from a crossing: name it' });
          }
          if (!KNOWN_PCODES.has(input.destinationPcode) || !/^PS02\d{2}/.test(input.destinationPcode)) {
            errors.push({
              field: field('destinationPcode'),
              code: 'UNKNOWN_REFERENCE',
              message: `"${input.destinationPcode}" is not a governorate or locality of the Gaza Strip (e.g. PS0255 or PS025501)`,
            });
          }
          if (input.stream != null && !CARGO_CONVOYS.has(input.type)) {
            errors.push({ field: field('stream'), code: 'INVALID', message: `A ${input.type} convoy carries no cargo, so it has no aid stream: leave the stream out` });
          }
          if (input.route != null && !input.route.trim()) errors.push({ field: field('route'), code: 'INVALID', message: 'Leave the route out, or describe it' });
          (input.driverNames ?? []).forEach((name, index) => {
            if (!name.trim()) errors.push({ field: field('driverNames', String(index)), code: 'INVALID', message: 'A driver name cannot be blank' });
          });
          return errors;
        },
        async write(writer, tx) {
          const organizations = input.requestingOrganizationIds;
          const known = new Set((await tx.query<{ id: string }>('SELECT id FROM organization WHERE id = ANY($1::text[])', [organizations])).map((row) => row.id));
          const unknown: UserError[] = organizations.flatMap((id, index) =>
            known.has(id)
              ? []
              : [
                  {
                    field: field('requestingOrganizationIds', String(index)),
                    code: 'UNKNOWN_REFERENCE' as const,
                    message: `No organisation has the id "${id}"; list them with the organizations query`,
                  },
                ],
          );
          if (unknown.length > 0) throw new UserErrors(unknown);
          if (input.crossingId) {
            const crossing = await requireCrossing(tx, input.crossingId, new Date(input.plannedStart));
            const traffic: string[] = crossing.allowed_traffic;
            if (CARGO_CONVOYS.has(input.type) && !traffic.some((kind) => CARGO_TRAFFIC.has(kind))) {
              throw new UserErrors([
                {
                  field: field('crossingId'),
                  code: 'INVALID',
                  message: `${crossing.name} is ${crossing.status ?? 'of no recorded status'} on ${new Date(input.plannedStart).toISOString().slice(0, 10)} and lets through ${traffic.length > 0 ? traffic.join(', ') : 'no traffic'}; a ${input.type} convoy needs a crossing open to cargo`,
                },
              ]);
            }
          }
          const row = await writer.create('convoy', 'Convoy', {
            id: `CONVOY-${randomUUID()}`,
            type: input.type,
            crossing_id: input.crossingId ?? null,
            destination_pcode: input.destinationPcode,
            planned_start: input.plannedStart,
            status: 'REQUESTED',
            un2720_monitored: input.un2720Monitored ?? false,
            stream: input.stream ?? null,
            route: input.route?.trim() ?? null,
            driver_names: input.driverNames?.map((name) => name.trim()) ?? null,
            source: input.source,
            ...markingColumns(input.marking),
          });
          // The requesting organisations are part of the request: written in the same transaction, lead first.
          await tx.query(
            `INSERT INTO convoy_requesting_organization (convoy_id, organization_id, position)
           SELECT $1, o.id, o.position FROM unnest($2::text[]) WITH ORDINALITY AS o(id, position)`,
            [row.id, organizations],
          );
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.convoyById.clear(id).load(id),
      },
    );
    return { convoy: record, userErrors };
  },

  async updateConvoyStatus(_root, { input, idempotencyKey }: Args<UpdateConvoyStatusInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'updateConvoyStatus',
        input,
        idempotencyKey,
        validate() {
          const errors: UserError[] = [];
          if (input.statusReason != null && !input.statusReason.trim()) {
            errors.push({ field: field('statusReason'), code: 'INVALID', message: 'Leave the reason out, or give it' });
          }
          if (input.departedAt) checkNotFuture(input.departedAt, field('departedAt'), errors, 'A departure');
          if (input.arrivedAt) checkNotFuture(input.arrivedAt, field('arrivedAt'), errors, 'An arrival');
          if ((input.departedAt || input.arrivedAt) && !['FACILITATED', 'IMPEDED'].includes(input.status)) {
            errors.push({
              field: field(input.departedAt ? 'departedAt' : 'arrivedAt'),
              code: 'INVALID',
              message: `A ${input.status} convoy did not move: departure and arrival are recorded only for FACILITATED or IMPEDED convoys`,
            });
          }
          return errors;
        },
        async write(writer, tx) {
          const current = await lockRecord(tx, loaders.viewer, 'convoy', input.convoyId, field('convoyId'), 'convoy');
          // A stale version is refused with CONFLICT by the writer below, before the transition is judged on a state
          // the caller has not seen.
          if (current.version === input.version) {
            const problem = convoyTransitionProblem(current.status, input.status);
            if (problem) throw new UserErrors([{ field: field('status'), code: 'INVALID', message: problem }]);
            const departedAt: Date | null = input.departedAt ?? current.departed_at ?? null;
            if (input.arrivedAt && (!departedAt || input.arrivedAt.getTime() < departedAt.getTime())) {
              throw new UserErrors([
                {
                  field: field('arrivedAt'),
                  code: 'INVALID',
                  message: departedAt
                    ? `The arrival cannot be before the departure (${new Date(departedAt).toISOString()})`
                    : 'Record the departure (departedAt) with or before the arrival',
                },
              ]);
            }
          }
          const row = await writer.update('convoy', 'Convoy', input.convoyId, input.version, {
            status: input.status,
            ...(input.statusReason != null ? { status_reason: input.statusReason.trim() } : {}),
            ...(input.departedAt ? { departed_at: input.departedAt } : {}),
            ...(input.arrivedAt ? { arrived_at: input.arrivedAt } : {}),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.convoyById.clear(id).load(id),
      },
    );
    return { convoy: record, userErrors };
  },

  async addConsignment(_root, { input, idempotencyKey }: Args<AddConsignmentInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'addConsignment',
        input,
        idempotencyKey,
        validate() {
          const errors: UserError[] = [];
          checkCount(input.pallets, field('pallets'), errors);
          checkCount(input.tonnes, field('tonnes'), errors);
          checkNotFuture(input.offloadedAt, field('offloadedAt'), errors, 'An offloading');
          return errors;
        },
        async write(writer, tx) {
          // Locking the convoy numbers its consignments one at a time: CONVOY-0001-T01, -T02, ...
          const convoy = await lockRecord(tx, loaders.viewer, 'convoy', input.convoyId, field('convoyId'), 'convoy');
          if (!CARGO_CONVOYS.has(convoy.type)) {
            throw new UserErrors([{ field: field('convoyId'), code: 'INVALID', message: `${convoy.id} is an ${convoy.type} convoy, which carries no cargo` }]);
          }
          if (convoy.status === 'DENIED' || convoy.status === 'CANCELLED_BY_ORGANIZER') {
            throw new UserErrors([{ field: field('convoyId'), code: 'INVALID', message: `${convoy.id} is ${convoy.status}: it will carry no cargo` }]);
          }
          const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM truck_consignment WHERE convoy_id = $1', [convoy.id]);
          const row = await writer.create('truck_consignment', 'TruckConsignment', {
            id: `${convoy.id}-T${String(n + 1).padStart(2, '0')}`,
            convoy_id: convoy.id,
            cargo_category: input.cargoCategory,
            pallets: input.pallets,
            tonnes: Math.round(input.tonnes * 100) / 100,
            stage: 'OFFLOADED',
            stage_at: input.offloadedAt,
            source: input.source,
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.consignmentById.clear(id).load(id),
      },
    );
    return { consignment: record, userErrors };
  },

  async recordConsignmentStage(_root, { input, idempotencyKey }: Args<ConsignmentStageInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordConsignmentStage',
        input,
        idempotencyKey,
        validate() {
          const errors: UserError[] = [];
          checkNotFuture(input.stageAt, field('stageAt'), errors, 'A stage');
          return errors;
        },
        async write(writer, tx) {
          const current = await lockRecord(tx, loaders.viewer, 'truck_consignment', input.consignmentId, field('consignmentId'), 'truck consignment');
          if (current.version === input.version) {
            const problem = consignmentTransitionProblem(current.stage, input.stage);
            if (problem) throw new UserErrors([{ field: field('stage'), code: 'INVALID', message: problem }]);
            const [convoy] = await tx.query<Row>('SELECT status FROM convoy WHERE id = $1', [current.convoy_id]);
            if (convoy.status === 'DENIED' || convoy.status === 'CANCELLED_BY_ORGANIZER') {
              throw new UserErrors([
                { field: field('stage'), code: 'INVALID', message: `Convoy ${current.convoy_id} is ${convoy.status}, so its loads stay at the crossing (OFFLOADED)` },
              ]);
            }
            if (input.stageAt.getTime() < new Date(current.stage_at).getTime()) {
              throw new UserErrors([
                {
                  field: field('stageAt'),
                  code: 'INVALID',
                  message: `The load reached ${current.stage} at ${new Date(current.stage_at).toISOString()}; its next stage cannot be earlier`,
                },
              ]);
            }
          }
          const row = await writer.update('truck_consignment', 'TruckConsignment', input.consignmentId, input.version, {
            stage: input.stage,
            stage_at: input.stageAt,
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.consignmentById.clear(id).load(id),
      },
    );
    return { consignment: record, userErrors };
  },
};

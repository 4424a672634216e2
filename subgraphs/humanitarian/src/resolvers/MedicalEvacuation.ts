import {
  checkCreateMarking,
  checkPcode,
  GOVERNORATE_PCODES,
  markingColumns,
  mutateRecord,
  notFound,
  parsePage,
  toConnection,
  UserErrors,
  type AccessMarking,
  type PageArgs,
  type Resolvers,
  type UserError,
} from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import type { MedevacFilter, MedicalEvacuation as MedevacRecord, MedicalEvacuationWaitingFigure as FigureRecord } from '../data/medevac.ts';
import { MEDEVAC_STATUSES, medevacId, medevacProblems, medevacTransitionProblem, type MedevacFacts, type MedevacStatus } from '../data/medevac-rules.ts';
import type { Crossing as CrossingRecord } from '../data/repository.ts';

const GROUP = 'humanitarian';
const TABLE = 'medical_evacuation';
const ENTITY = 'MedicalEvacuation';
/** Page sizes of the medical evacuation lists. */
export const MEDEVAC_PAGES = Object.freeze({ defaultFirst: 50, maxFirst: 500 });
/** A day has begun somewhere before it has in UTC; a date up to a day ahead of UTC is not "still to come". */
const todayUtcPlusOne = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const NATION = /^[A-Z]{3}$/;
const MAX_ESCORTS = 10;

type Nullable<T> = { [K in keyof T]?: T[K] | null };

interface RecordMedicalEvacuationInput {
  id?: string | null;
  version?: number | null;
  caseReference?: string | null;
  priority: string;
  conditionCategory: string;
  areaPcode: string;
  requestedOn: string;
  status: MedevacStatus;
  decidedOn?: string | null;
  evacuatedOn?: string | null;
  routeCrossingIds?: string[] | null;
  onwardRoute?: string | null;
  destinationCountry?: string | null;
  escorts?: number | null;
  source: string;
  marking: AccessMarking;
}

/** The input field each stored column comes from, for user errors. */
const INPUT_FIELD: Record<string, string[]> = {
  case_reference: ['caseReference'],
  status: ['status'],
  requested_on: ['requestedOn'],
  decided_on: ['decidedOn'],
  evacuated_on: ['evacuatedOn'],
  route_crossing_ids: ['routeCrossingIds'],
  onward_route: ['onwardRoute'],
  destination_country: ['destinationCountry'],
  caveats: ['marking', 'caveats'],
  area_pcode: ['areaPcode'],
};

const field = (...path: string[]) => ['input', ...path];

function factsOf(input: RecordMedicalEvacuationInput): MedevacFacts {
  return {
    case_reference: input.id ? null : (input.caseReference ?? null),
    status: input.status,
    requested_on: input.requestedOn,
    decided_on: input.decidedOn ?? null,
    evacuated_on: input.evacuatedOn ?? null,
    route_crossing_ids: input.routeCrossingIds ?? [],
    onward_route: input.onwardRoute ?? null,
    destination_country: input.destinationCountry ?? null,
    caveats: input.marking.caveats ?? [],
  };
}

function inputProblems(input: RecordMedicalEvacuationInput): UserError[] {
  const errors: UserError[] = medevacProblems(factsOf(input), todayUtcPlusOne()).map((problem) => ({
    field: field(...INPUT_FIELD[problem.column]),
    code: 'INVALID',
    message: problem.message,
  }));
  if (input.id == null) {
    if (!input.caseReference) errors.push({ field: field('caseReference'), code: 'REQUIRED', message: 'A new case needs its pseudonymous case reference (never a name)' });
    if (input.version != null) errors.push({ field: field('version'), code: 'INVALID', message: 'A new case has no version yet: give the id of the case to change it' });
  } else {
    if (input.version == null) errors.push({ field: field('version'), code: 'REQUIRED', message: 'Give the version you last read to change the case' });
    if (input.caseReference != null)
      errors.push({ field: field('caseReference'), code: 'INVALID', message: "A case's reference is fixed when it is recorded: leave it out to change the case" });
  }
  if (!(GOVERNORATE_PCODES as readonly string[]).includes(input.areaPcode)) {
    errors.push({
      field: field('areaPcode'),
      code: 'UNKNOWN_REFERENCE',
      message: `"${input.areaPcode}" is not a governorate of the Gaza Strip (${GOVERNORATE_PCODES.join(', ')})`,
    });
  }
  if (input.destinationCountry != null && !NATION.test(input.destinationCountry)) {
    errors.push({ field: field('destinationCountry'), code: 'INVALID', message: 'The destination is an ISO 3166 alpha-3 country code, e.g. EGY, JOR, ARE' });
  }
  const escorts = input.escorts ?? 0;
  if (!Number.isInteger(escorts) || escorts < 0 || escorts > MAX_ESCORTS) {
    errors.push({ field: field('escorts'), code: 'INVALID', message: `Escorts are counted from 0 to ${MAX_ESCORTS}` });
  }
  return errors;
}

function columnsOf(input: RecordMedicalEvacuationInput): Record<string, unknown> {
  return {
    priority: input.priority,
    condition_category: input.conditionCategory,
    area_pcode: input.areaPcode,
    requested_on: input.requestedOn,
    status: input.status,
    decided_on: input.decidedOn ?? null,
    evacuated_on: input.evacuatedOn ?? null,
    route_crossing_ids: input.routeCrossingIds ?? [],
    onward_route: input.onwardRoute ?? null,
    destination_country: input.destinationCountry ?? null,
    escorts: input.escorts ?? 0,
    source: input.source,
    ...markingColumns(input.marking),
  };
}

function filterOf(given: Nullable<MedevacFilter>): MedevacFilter {
  return {
    status: given.status ?? null,
    priority: given.priority ?? null,
    conditionCategory: given.conditionCategory ?? null,
    areaPcode: given.areaPcode ? checkPcode(given.areaPcode, 'areaPcode') : null,
    crossingId: given.crossingId ?? null,
    destinationCountry: given.destinationCountry ?? null,
    requestedSince: given.requestedSince ?? null,
    requestedUntil: given.requestedUntil ?? null,
  };
}

export const MedicalEvacuationQuery: Resolvers<Loaders>['Query'] = {
  async medicalEvacuations(_root, args: PageArgs & { filter?: Nullable<MedevacFilter> | null }, { loaders }) {
    const page = parsePage(args, MEDEVAC_PAGES, 'opaque');
    const filter = filterOf(args.filter ?? {});
    const [rows, total] = await Promise.all([loaders.medevacsByArea({ filter, page }).load(filter.areaPcode ?? ''), loaders.medevacs.countMedevacs(filter)]);
    return { ...toConnection(rows, page, total), filter };
  },

  async medicalEvacuation(_root, args: { id: string }, { loaders }) {
    const record = await loaders.medevacById.load(args.id);
    if (!record) throw notFound(`No medical evacuation has the id "${args.id}"; list them with medicalEvacuations`);
    return record;
  },

  medicalEvacuationWaitingFigures: (_root, args: { source?: string | null }, { loaders }) => loaders.medevacs.waitingFigures(args.source ?? null),
};

export const MedicalEvacuationConnection: Resolvers<Loaders>['MedicalEvacuationConnection'] = {
  countsByStatus: (connection: { filter: MedevacFilter }, _args, { loaders }) => loaders.medevacs.countMedevacsByStatus(connection.filter, MEDEVAC_STATUSES),
};

export const MedicalEvacuationMutation: Resolvers<Loaders>['Mutation'] = {
  async recordMedicalEvacuation(_root, { input, idempotencyKey }: { input: RecordMedicalEvacuationInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordMedicalEvacuation',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => inputProblems(input),
        async write(writer) {
          const values = columnsOf(input);
          if (input.id == null) {
            // The writing rule first: a case is created with its writer as originator, so the writer always sees
            // its own cases and a taken id below never tells of a case the writer may not read.
            checkCreateMarking(principal, input.marking);
            const id = medevacId(input.marking.originator, input.caseReference!);
            if ((await writer.find(TABLE, id)) !== 'missing') {
              throw new UserErrors([{ field: field('caseReference'), code: 'DUPLICATE', message: `${id} is recorded already: give its id and version to change it` }]);
            }
            const row = await writer.create(TABLE, ENTITY, { id, case_reference: input.caseReference, ...values });
            return { id: String(row.id) };
          }
          const current = await writer.find(TABLE, input.id);
          if (typeof current === 'string') throw new UserErrors([{ field: field('id'), code: 'NOT_FOUND', message: `No medical evacuation has the id "${input.id}"` }]);
          // A stale version is refused with CONFLICT by the writer, before the transition is judged on a state the caller has not seen.
          if (current.version === input.version) {
            const problem = medevacTransitionProblem(current.status, input.status);
            if (problem) throw new UserErrors([{ field: field('status'), code: 'INVALID', message: problem }]);
          }
          const row = await writer.update(TABLE, ENTITY, input.id, input.version!, values);
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.medevacById.clear(id).load(id),
      },
    );
    return { medicalEvacuation: record, userErrors };
  },
};

export const MedicalEvacuation: Resolvers<Loaders>['MedicalEvacuation'] = {
  /** A reference from another group's service: the same rule as `medicalEvacuation(id:)` (null with FORBIDDEN when withheld). */
  __resolveReference: (reference: { id: string }, { loaders }) => loaders.medevacById.load(reference.id),
  area: (record: MedevacRecord) => ({ pcode: record.areaPcode }),
  async route(record: MedevacRecord, _args, { loaders }) {
    const crossings = await loaders.crossingById.loadMany(record.routeCrossingIds);
    return crossings.filter((crossing): crossing is CrossingRecord => crossing !== null && !(crossing instanceof Error));
  },
  history: (record: MedevacRecord, _args, { loaders }) => loaders.historyOf(ENTITY).load(record.id),
};

export const MedicalEvacuationWaitingFigure: Resolvers<Loaders>['MedicalEvacuationWaitingFigure'] = {
  area: (figure: FigureRecord) => ({ pcode: figure.areaPcode }),
};

/** `Crossing.medicalEvacuations`: the cases released to the caller whose route went through the crossing. */
export const CrossingMedicalEvacuations: Resolvers<Loaders>['Crossing'] = {
  async medicalEvacuations(crossing: CrossingRecord, args: PageArgs, { loaders }) {
    const page = parsePage(args, MEDEVAC_PAGES, 'id');
    return (await loaders.medevacsByCrossing(page).load(crossing.id)).slice(0, page.limit);
  },
};

import { randomUUID } from 'node:crypto';
import { KNOWN_PCODES, markingColumns, mutateRecord, UserErrors, type AccessMarking, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';
import { TABLE } from '../data/repository.ts';
import { NATION } from './validate.ts';

const GROUP = 'multinational-force';

interface ContributionInput {
  nation: string;
  unit: string;
  role: string;
  personnel: number;
  readiness: string;
  readinessAsOf: Date;
  areaPcode: string;
  source: string;
  marking: AccessMarking;
  status?: string | null;
  troopsPledged?: number | null;
  troopsDeployed?: number | null;
  announcedAt?: string | null;
}

interface ReadinessInput {
  id: string;
  version: number;
  readiness: string;
  readinessAsOf: Date;
  marking?: AccessMarking | null;
}

function notInFuture(at: Date, field: string, errors: UserError[]): void {
  if (at.getTime() > Date.now()) errors.push({ field: ['input', field], code: 'INVALID', message: 'A readiness cannot be reported in the future' });
}

function validateContribution(input: ContributionInput): UserError[] {
  const errors: UserError[] = [];
  if (!NATION.test(input.nation)) errors.push({ field: ['input', 'nation'], code: 'INVALID', message: `"${input.nation}" is not an ISO 3166-1 alpha-3 nation code (e.g. EGY)` });
  const unit = input.unit.trim();
  if (unit.length === 0 || unit.length > 200) errors.push({ field: ['input', 'unit'], code: 'INVALID', message: 'A unit name is 1 to 200 characters' });
  if (!Number.isInteger(input.personnel) || input.personnel < 1 || input.personnel > 20000) {
    errors.push({ field: ['input', 'personnel'], code: 'INVALID', message: 'Personnel is a whole number from 1 to 20000' });
  }
  if (!KNOWN_PCODES.has(input.areaPcode)) {
    errors.push({
      field: ['input', 'areaPcode'],
      code: 'UNKNOWN_REFERENCE',
      message: `No area has the P-code "${input.areaPcode}"; use a governorate or locality P-code such as PS0275`,
    });
  }
  notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
  if (input.role === 'UNSPECIFIED')
    errors.push({ field: ['input', 'role'], code: 'INVALID', message: 'A unit offered names its role (ENGINEERING, MEDICAL, SECURITY, LOGISTICS or EOD)' });
  const status = input.status ?? 'PLEDGED';
  const deployed = input.troopsDeployed ?? 0;
  for (const field of ['troopsPledged', 'troopsDeployed'] as const) {
    const value = input[field];
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > 20000)) {
      errors.push({ field: ['input', field], code: 'INVALID', message: 'Troops are a whole number from 0 to 20000' });
    }
  }
  // A pledge is never a deployment: troops are deployed only with the status DEPLOYED, and DEPLOYED needs troops on the ground.
  if ((status === 'DEPLOYED') !== deployed > 0) {
    errors.push({
      field: ['input', 'troopsDeployed'],
      code: 'INVALID',
      message: 'Troops deployed are recorded only with status DEPLOYED, and a DEPLOYED contribution has at least one deployed',
    });
  }
  if (input.readiness === 'DEPLOYED' && status !== 'DEPLOYED') {
    errors.push({ field: ['input', 'readiness'], code: 'INVALID', message: 'Readiness DEPLOYED needs status DEPLOYED with troops deployed; a pledge is not a deployment' });
  }
  if (input.announcedAt && input.announcedAt > new Date().toISOString().slice(0, 10)) {
    errors.push({ field: ['input', 'announcedAt'], code: 'INVALID', message: 'An announcement cannot be dated in the future' });
  }
  return errors;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordForceContribution(_root, { input, idempotencyKey }: { input: ContributionInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordForceContribution',
        input,
        idempotencyKey,
        marking: input.marking,
        validate: () => validateContribution(input),
        async write(writer) {
          const row = await writer.create(TABLE, 'ForceContribution', {
            id: `FC-${randomUUID()}`,
            nation: input.nation,
            unit: input.unit.trim(),
            role: input.role,
            personnel: input.personnel,
            readiness: input.readiness,
            readiness_as_of: input.readinessAsOf,
            area_pcode: input.areaPcode,
            source: input.source,
            status: input.status ?? 'PLEDGED',
            troops_pledged: input.troopsPledged ?? input.personnel,
            troops_deployed: input.troopsDeployed ?? 0,
            announced_at: input.announcedAt ?? null,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.forceContributionById.clear(id).load(id),
      },
    );
    return { forceContribution: record, userErrors };
  },

  async updateForceReadiness(_root, { input, idempotencyKey }: { input: ReadinessInput; idempotencyKey?: string | null }, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'updateForceReadiness',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          notInFuture(input.readinessAsOf, 'readinessAsOf', errors);
          return errors;
        },
        async write(writer) {
          // A contribution not released to the editor is answered exactly like a missing one: the refusal reveals nothing.
          const current = await writer.lock(TABLE, 'force contribution', input.id);
          if (input.readiness === 'DEPLOYED' && current.status !== 'DEPLOYED') {
            throw new UserErrors([
              { field: ['input', 'readiness'], code: 'INVALID', message: 'Readiness DEPLOYED needs status DEPLOYED with troops deployed; a pledge is not a deployment' },
            ]);
          }
          if (new Date(current.readiness_as_of).getTime() > input.readinessAsOf.getTime()) {
            throw new UserErrors([
              {
                field: ['input', 'readinessAsOf'],
                code: 'INVALID',
                message: `A readiness of ${new Date(current.readiness_as_of).toISOString()} is recorded already; report a later one`,
              },
            ]);
          }
          const row = await writer.update(TABLE, 'ForceContribution', input.id, input.version, {
            readiness: input.readiness,
            readiness_as_of: input.readinessAsOf,
            ...(input.marking ? markingColumns(input.marking) : {}),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.forceContributionById.clear(id).load(id),
      },
    );
    return { forceContribution: record, userErrors };
  },
};

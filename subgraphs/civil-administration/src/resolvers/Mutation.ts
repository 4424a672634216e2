import { randomUUID } from 'node:crypto';
import { markingColumns, mutateRecord, UserErrors, type AccessMarking, type Queryable, type Resolvers, type UserError } from '@cmcc/subgraph-kit';
import type { Loaders } from '../data/loaders.ts';

const GROUP = 'civil-administration';
// The Gaza Strip's bounding box: coordinates outside it are a typing error, not a site.
const LATITUDE = [31.2, 31.6] as const;
const LONGITUDE = [34.2, 34.6] as const;

interface Args<I> {
  input: I;
  idempotencyKey?: string | null;
}

async function requireArea(tx: Queryable, pcode: string): Promise<void> {
  const found = await tx.query('SELECT 1 FROM area WHERE pcode = $1', [pcode]);
  if (found.length === 0) {
    throw new UserErrors([{ field: ['input', 'areaPcode'], code: 'UNKNOWN_REFERENCE', message: `No area has the P-code "${pcode}"` }]);
  }
}

function checkCount(value: number, field: string[], errors: UserError[]): void {
  if (value < 0) errors.push({ field, code: 'INVALID', message: 'Must be zero or more' });
}

function checkCoordinate(value: number | null | undefined, [min, max]: readonly [number, number], field: string[], errors: UserError[]): void {
  if (value != null && (value < min || value > max)) errors.push({ field, code: 'INVALID', message: `Must lie within the Gaza Strip (${min} to ${max})` });
}

interface MovementInput {
  monitoringPoint: string;
  areaPcode: string;
  date: string;
  direction: string;
  count: number;
  source: string;
  marking: AccessMarking;
}

interface SiteInput {
  id?: string | null;
  version?: number | null;
  name: string;
  type: string;
  areaPcode: string;
  households: number;
  individuals: number;
  siteManagerId?: string | null;
  risks?: string[] | null;
  latitude?: number | null;
  longitude?: number | null;
  source: string;
  asOf: string;
  marking: AccessMarking;
}

interface StatusInput {
  facilityId: string;
  version?: number | null;
  functionality: string;
  buildingCondition: string;
  accessibility: string;
  disruptionCauses?: string[] | null;
  asOf: string;
  source: string;
  marking: AccessMarking;
}

export const Mutation: Resolvers<Loaders>['Mutation'] = {
  async recordPopulationMovement(_root, { input, idempotencyKey }: Args<MovementInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordPopulationMovement',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          checkCount(input.count, ['input', 'count'], errors);
          if (!input.monitoringPoint.trim()) errors.push({ field: ['input', 'monitoringPoint'], code: 'REQUIRED', message: 'Name the monitoring point' });
          return errors;
        },
        async write(writer, tx) {
          await requireArea(tx, input.areaPcode);
          const row = await writer.create('population_movement', 'PopulationMovement', {
            id: `MOVE-${randomUUID()}`,
            monitoring_point: input.monitoringPoint.trim(),
            area_pcode: input.areaPcode,
            date: input.date,
            direction: input.direction,
            count: input.count,
            source: input.source,
            ...markingColumns(input.marking),
          });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.movementById.clear(id).load(id),
      },
    );
    return { populationMovement: record, userErrors };
  },

  async upsertDisplacementSite(_root, { input, idempotencyKey }: Args<SiteInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'upsertDisplacementSite',
        input,
        idempotencyKey,
        marking: input.marking,
        validate() {
          const errors: UserError[] = [];
          checkCount(input.households, ['input', 'households'], errors);
          checkCount(input.individuals, ['input', 'individuals'], errors);
          if (input.individuals < input.households) {
            errors.push({ field: ['input', 'individuals'], code: 'INVALID', message: 'A site cannot have fewer individuals than households' });
          }
          checkCoordinate(input.latitude, LATITUDE, ['input', 'latitude'], errors);
          checkCoordinate(input.longitude, LONGITUDE, ['input', 'longitude'], errors);
          if (!input.name.trim()) errors.push({ field: ['input', 'name'], code: 'REQUIRED', message: 'Name the site' });
          if (input.id && input.version == null) {
            errors.push({ field: ['input', 'version'], code: 'REQUIRED', message: 'Give the version you last read to update a site' });
          }
          return errors;
        },
        async write(writer, tx) {
          await requireArea(tx, input.areaPcode);
          const values = {
            name: input.name.trim(),
            type: input.type,
            area_pcode: input.areaPcode,
            households: input.households,
            individuals: input.individuals,
            site_manager_org_id: input.siteManagerId ?? null,
            risks: input.risks ?? [],
            latitude: input.latitude ?? null,
            longitude: input.longitude ?? null,
            source: input.source,
            as_of: input.asOf,
            ...markingColumns(input.marking),
          };
          const row = input.id
            ? await writer.update('displacement_site', 'DisplacementSite', input.id, input.version ?? null, values)
            : await writer.create('displacement_site', 'DisplacementSite', { id: `SITE-${randomUUID()}`, ...values });
          return { id: String(row.id) };
        },
        readBack: (id) => loaders.siteById.clear(id).load(id),
      },
    );
    return { displacementSite: record, userErrors };
  },

  async recordServiceStatus(_root, { input, idempotencyKey }: Args<StatusInput>, { db, principal, requestId, loaders }) {
    const { record, userErrors } = await mutateRecord(
      db,
      { principal, requestId },
      {
        group: GROUP,
        mutation: 'recordServiceStatus',
        input,
        idempotencyKey,
        marking: input.marking,
        async write(writer) {
          const values = {
            functionality: input.functionality,
            building_condition: input.buildingCondition,
            accessibility: input.accessibility,
            disruption_causes: input.disruptionCauses ?? [],
            as_of: input.asOf,
            source: input.source,
            ...markingColumns(input.marking),
          };
          // A status not released to the editor is refused like a status corrected without a version: it is not described.
          const exists = (await writer.find('facility_service_status', input.facilityId)) !== 'missing';
          if (exists && input.version == null) {
            throw new UserErrors([{ field: ['input', 'version'], code: 'REQUIRED', message: 'This facility has a status already: give the version you last read' }]);
          }
          const row = exists
            ? await writer.update('facility_service_status', 'ServiceStatus', input.facilityId, input.version ?? null, values)
            : await writer.create('facility_service_status', 'ServiceStatus', { id: input.facilityId, ...values });
          return { id: String(row.id) };
        },
        // The payload names the facility, whose serviceStatus is then read (afresh) under the caller's visibility.
        readBack: async (id) => {
          loaders.serviceStatusByFacility.clear(id);
          return { id };
        },
      },
    );
    return { facility: record, userErrors };
  },
};

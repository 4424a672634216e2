import {
  countByParent,
  countInArea,
  manyByKey,
  markingFromRow,
  provenanceFromRow,
  selectPagesByParent,
  selectVisibleByIds,
  SqlParams,
  visibleSql,
  type AccessMarking,
  type Conditions,
  type MarkingRow,
  type Page,
  type Queryable,
  type Viewer,
} from '@cmcc/subgraph-kit';

type Provenance = ReturnType<typeof provenanceFromRow>;

export interface CoordinationRequest {
  id: string;
  title: string;
  description: string;
  subjectType: string;
  areaPcode: string;
  convoyId: string | null;
  crossingId: string | null;
  facilityId: string | null;
  incidentId: string | null;
  priority: string;
  status: string;
  assignedWorkingGroup: string | null;
  dueAt: Date | null;
  reportedAt: Date;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface Decision {
  id: string;
  requestId: string;
  decision: string;
  rationale: string;
  decidedBy: string;
  decidedFor: string;
  decidedAt: Date;
  statusAfter: string | null;
}

export interface Participant {
  id: string;
  kind: string;
  joinedOn: string;
  liaisonOfficers: number;
  liaisonRoles: string[];
  workingGroups: string[];
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

export interface RoutePoint {
  latitude: number;
  longitude: number;
}

export interface HumanitarianNotification {
  id: string;
  kind: string;
  title: string;
  areaPcode: string;
  latitude: number | null;
  longitude: number | null;
  route: RoutePoint[] | null;
  windowStart: Date;
  windowEnd: Date;
  acknowledgementStatus: string;
  acknowledgement: { outcome: string; acknowledgedBy: string; acknowledgedFor: string; acknowledgedAt: Date; note: string | null } | null;
  reportedAt: Date;
  source: string;
  marking: AccessMarking;
  provenance: Provenance;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database row: its columns are the table's
type Row = Record<string, any>;

export const REQUEST_TABLE = 'coordination_request';
export const DECISION_TABLE = 'coordination_decision';
export const PARTICIPANT_TABLE = 'participant';
export const NOTIFICATION_TABLE = 'humanitarian_notification';

/** The columns of a request that name another group's entity, by the subject type they hold. */
export const REFERENCE_COLUMNS = { CONVOY: 'convoy_id', CROSSING: 'crossing_id', FACILITY: 'facility_id', SECURITY_INCIDENT: 'incident_id' } as const;
export type ReferenceColumn = (typeof REFERENCE_COLUMNS)[keyof typeof REFERENCE_COLUMNS];

export const toCoordinationRequest = (r: Row): CoordinationRequest => ({
  id: r.id,
  title: r.title,
  description: r.description,
  subjectType: r.subject_type,
  areaPcode: r.area_pcode,
  convoyId: r.convoy_id ?? null,
  crossingId: r.crossing_id ?? null,
  facilityId: r.facility_id ?? null,
  incidentId: r.incident_id ?? null,
  priority: r.priority,
  status: r.status,
  assignedWorkingGroup: r.assigned_group ?? null,
  dueAt: r.due_at ?? null,
  reportedAt: r.reported_at,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

const toDecision = (r: Row): Decision => ({
  id: r.id,
  requestId: r.request_id,
  decision: r.decision,
  rationale: r.rationale,
  decidedBy: r.decided_by,
  decidedFor: r.decided_for,
  decidedAt: r.decided_at,
  statusAfter: r.status_after ?? null,
});

const toParticipant = (r: Row): Participant => ({
  id: r.id,
  kind: r.kind,
  joinedOn: r.joined_on instanceof Date ? r.joined_on.toISOString().slice(0, 10) : String(r.joined_on),
  liaisonOfficers: r.liaison_officers,
  liaisonRoles: r.liaison_roles,
  workingGroups: r.working_groups,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

export const toNotification = (r: Row): HumanitarianNotification => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  areaPcode: r.area_pcode,
  latitude: r.latitude ?? null,
  longitude: r.longitude ?? null,
  route: r.route ?? null,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  acknowledgementStatus: r.acknowledgement_status,
  acknowledgement:
    r.acknowledgement_status === 'ACKNOWLEDGED'
      ? { outcome: r.acknowledgement_outcome, acknowledgedBy: r.acknowledged_by, acknowledgedFor: r.acknowledged_for, acknowledgedAt: r.acknowledged_at, note: r.acknowledgement_note ?? null }
      : null,
  reportedAt: r.reported_at,
  source: r.source,
  marking: markingFromRow(r as MarkingRow),
  provenance: provenanceFromRow(r),
});

/** Only requests with this status, or one of these statuses (a filter of the root list and of `Area.coordinationRequests`). */
const withStatus =
  (status: string | readonly string[] | null): Conditions =>
  (params) =>
    status === null ? [] : typeof status === 'string' ? [`t.status = ${params.add(status)}`] : [`t.status = ANY(${params.add([...status])}::text[])`];

/** Every read of the subgraph, for one viewer: marked rows are filtered in SQL, so pages and totals hold only released ones. */
export function createRepository(db: Queryable, viewer: Viewer) {
  return {
    /** Requests by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async coordinationRequestsById(ids: readonly string[]): Promise<(CoordinationRequest | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, REQUEST_TABLE, 'CoordinationRequest', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toCoordinationRequest(row)));
    },

    /** One page of released requests under each area P-code (a prefix match; `''` is every area). */
    async coordinationRequestsByArea(pcodes: readonly string[], page: Page, status: string | readonly string[] | null = null): Promise<CoordinationRequest[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: REQUEST_TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        where: withStatus(status),
        orderColumn: 'reported_at',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toCoordinationRequest));
    },

    /** One page of released requests naming each of many entities (convoys, crossings, facilities or incidents). */
    async coordinationRequestsByReference(column: ReferenceColumn, ids: readonly string[], page: Page): Promise<CoordinationRequest[][]> {
      const pages = await selectPagesByParent<Row>(db, { table: REQUEST_TABLE, parentColumn: column, match: 'equal', keys: ids, orderColumn: 'reported_at', page, visibleTo: viewer });
      return pages.map((rows) => rows.map(toCoordinationRequest));
    },

    /** How many released requests lie under the area (every area when `null`), with the status if given. */
    async countCoordinationRequests(areaPcode: string | null, status: string | null = null): Promise<number> {
      const [total] = await countByParent(db, {
        table: REQUEST_TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: [areaPcode ?? ''],
        where: withStatus(status),
        visibleTo: viewer,
      });
      return total;
    },

    /**
     * The decisions of many requests, oldest first, in key order. Decisions inherit their request's marking: only
     * those of requests released to the viewer are read (checked here again, not only by the caller).
     */
    async decisionsByRequest(requestIds: readonly string[]): Promise<Decision[][]> {
      const params = new SqlParams();
      const ids = params.add(requestIds);
      const rows = await db.query<Row>(
        `SELECT d.* FROM ${DECISION_TABLE} d JOIN ${REQUEST_TABLE} t ON t.id = d.request_id
          WHERE d.request_id = ANY(${ids}::text[]) AND ${visibleSql(viewer, params, 't')}
          ORDER BY d.decided_at, d.id`,
        params.values,
      );
      return manyByKey(requestIds, rows.map(toDecision), (decision) => decision.requestId);
    },

    /** Participants by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async participantsById(ids: readonly string[]): Promise<(Participant | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, PARTICIPANT_TABLE, 'Participant', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toParticipant(row)));
    },

    /** Every participant released to the viewer, most recently joined first. */
    async participants(): Promise<Participant[]> {
      const params = new SqlParams();
      const rows = await db.query<Row>(`SELECT t.* FROM ${PARTICIPANT_TABLE} t WHERE ${visibleSql(viewer, params, 't')} ORDER BY t.joined_on DESC, t.id DESC`, params.values);
      return rows.map(toParticipant);
    },

    /** Notifications by id in key order: `null` for an unknown id, a FORBIDDEN error for a withheld one. */
    async notificationsById(ids: readonly string[]): Promise<(HumanitarianNotification | null | Error)[]> {
      const rows = await selectVisibleByIds<Row & { id: string }>(db, NOTIFICATION_TABLE, 'HumanitarianNotification', ids, viewer);
      return rows.map((row) => (row === null || row instanceof Error ? row : toNotification(row)));
    },

    /** One page of released notifications under each area P-code (a prefix match; `''` is every area). */
    async notificationsByArea(pcodes: readonly string[], page: Page): Promise<HumanitarianNotification[][]> {
      const pages = await selectPagesByParent<Row>(db, {
        table: NOTIFICATION_TABLE,
        parentColumn: 'area_pcode',
        match: 'prefix',
        keys: pcodes,
        orderColumn: 'reported_at',
        page,
        visibleTo: viewer,
      });
      return pages.map((rows) => rows.map(toNotification));
    },

    /** How many released notifications lie under the area (every area when `null`). */
    async countNotifications(areaPcode: string | null): Promise<number> {
      return countInArea(db, { table: NOTIFICATION_TABLE, areaPcode, visibleTo: viewer });
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;

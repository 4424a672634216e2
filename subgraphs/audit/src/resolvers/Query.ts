import { badUserInput, notFound, type Classification } from '@cmcc/subgraph-kit';
import { evaluateAlerts, type AuditAccess, type AuditFailureKind, type AuditEventFilter, type AuditEventRecord } from '@cmcc/audit-trail';
import type { AuditContext } from '../context.ts';
import { requireAuditRead } from './access.ts';
import { payloadReleasedTo, viewOf } from './release.ts';
import { noteRecordMarkings } from '@cmcc/contracts';
import { checkText, checkTypeName, parseAuditPage, parseFilter, parseMarking, parsePeriod, type FilterInput, type MarkingInput } from './validate.ts';
import { investigate, publicChainStatus, reportShown } from './investigate.ts';

/** The paging arguments every list takes. */
interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** At most this many events are shown with one alert (its count says how many it counted). */
const MAX_ALERT_EVENTS = 100;

export const Query = {
  async auditEvents(_: unknown, args: { filter?: FilterInput | null } & PageArgs, context: AuditContext) {
    requireAuditRead(context.principal);
    const released = payloadReleasedTo(context.principal);
    const filter = { ...parseFilter(args.filter), payloadReleased: released };
    const page = parseAuditPage(args.first, args.after);
    const store = await context.loaders.trail.open();
    const result = await store.listEvents(filter, page);
    const views = result.events.map((event) => viewOf(event, released));
    reportShown(context, views);
    // A record id typed as a filter that found nothing shown: the record's marking is not known.
    if (filter.entityKey && !views.some((view) => !view.redacted)) noteRecordMarkings(context, null);
    return { edges: views.map((view) => ({ cursor: store.cursorOf(view), node: view })), pageInfo: result.pageInfo };
  },

  async auditEvent(_: unknown, args: { id: string }, context: AuditContext) {
    requireAuditRead(context.principal);
    if (args.id.trim() === '' || args.id.length > 128) throw badUserInput(`"id" must be an audit event id; got ${JSON.stringify(args.id.slice(0, 40))}`, 'id');
    const store = await context.loaders.trail.open();
    const event = await store.getEvent(args.id);
    if (!event) throw notFound(`No audit event has the id "${args.id}"`);
    const view = viewOf(event, payloadReleasedTo(context.principal));
    reportShown(context, [view]);
    return view;
  },

  async auditChainStatus(_: unknown, _args: unknown, context: AuditContext) {
    requireAuditRead(context.principal);
    const store = await context.loaders.trail.open();
    const status = await store.chainStatus();
    return { ...status, storage: context.loaders.trail.describe(), chains: status.chains.map(publicChainStatus) };
  },

  async auditRecordAccess(_: unknown, args: { type: string; key: string; access?: AuditAccess | null; from?: Date | null; to?: Date | null } & PageArgs, context: AuditContext) {
    requireAuditRead(context.principal);
    const filter: AuditEventFilter = {
      entityType: checkTypeName('type', checkText('type', args.type)),
      entityKey: checkText('key', args.key),
      ...(args.access ? { access: args.access } : {}),
      ...parsePeriod(args.from, args.to),
    };
    return investigate(context, filter, parseAuditPage(args.first, args.after));
  },

  async auditPrincipalActivity(_: unknown, args: { principal: string; from: Date; to: Date } & PageArgs, context: AuditContext) {
    requireAuditRead(context.principal);
    const filter: AuditEventFilter = { principal: checkText('principal', args.principal), ...parsePeriod(args.from, args.to) };
    return investigate(context, filter, parseAuditPage(args.first, args.after));
  },

  async auditMarkingAccess(_: unknown, args: { marking: MarkingInput; principal?: string | null; from?: Date | null; to?: Date | null } & PageArgs, context: AuditContext) {
    requireAuditRead(context.principal);
    const filter: AuditEventFilter = {
      marking: parseMarking(args.marking, 'marking'),
      ...(args.principal !== null && args.principal !== undefined ? { principal: checkText('principal', args.principal) } : {}),
      ...parsePeriod(args.from, args.to),
    };
    return investigate(context, filter, parseAuditPage(args.first, args.after));
  },

  async auditFailures(_: unknown, args: { principal?: string | null; kinds?: AuditFailureKind[] | null; from?: Date | null; to?: Date | null } & PageArgs, context: AuditContext) {
    requireAuditRead(context.principal);
    const filter: AuditEventFilter = {
      ...(args.principal !== null && args.principal !== undefined ? { principal: checkText('principal', args.principal) } : {}),
      ...(args.kinds && args.kinds.length > 0 ? { failureKinds: [...args.kinds] } : { failed: true }),
      ...parsePeriod(args.from, args.to),
    };
    return investigate(context, filter, parseAuditPage(args.first, args.after));
  },

  async auditAlerts(_: unknown, args: { from?: Date | null; to?: Date | null }, context: AuditContext) {
    requireAuditRead(context.principal);
    const asked = parsePeriod(args.from, args.to);
    if (asked.from && !asked.to && asked.from > new Date().toISOString()) throw badUserInput(`from (${asked.from}) must not be in the future`, 'from');
    const { rules } = context.loaders.alerts.config();
    const snapshot = await context.loaders.alerts.snapshot(asked.from || asked.to ? { from: asked.from, to: asked.to } : {});
    const released = payloadReleasedTo(context.principal);
    // Rules that read the payload (the markings) count only what this auditor is released; the others count every event.
    const readsPayload = (kind: string) => kind === 'SENSITIVE_READS';
    const alerts = evaluateAlerts(rules, snapshot.records, snapshot, (rule, event) => !readsPayload(rule.kind) || released(event));
    const windows = rules.filter((rule) => readsPayload(rule.kind)).map((rule) => rule.windowMinutes * 60_000);
    const earliest = windows.length > 0 ? new Date(Date.parse(snapshot.from) - Math.max(...windows)).toISOString() : null;
    const withheldEvents = earliest
      ? snapshot.records.filter((record) => record.kind === 'event' && record.time >= earliest && record.time <= snapshot.to && !released(record as AuditEventRecord)).length
      : 0;
    const shown = alerts.map((alert) => {
      const views = alert.events.slice(0, MAX_ALERT_EVENTS).map((event) => viewOf(event, released));
      reportShown(context, views);
      const recordReleased = alert.record !== null && alert.events.every((event) => released(event));
      return {
        rule: alert.rule.name,
        kind: alert.rule.kind,
        description: alert.rule.description,
        firedAt: alert.firedAt,
        windowStart: alert.windowStart,
        windowEnd: alert.windowEnd,
        count: alert.count,
        threshold: alert.rule.threshold,
        principal: alert.principal,
        principals: alert.principals,
        record: recordReleased ? alert.record : null,
        redacted: alert.record !== null && !recordReleased,
        events: views,
        outages: alert.outages,
      };
    });
    return {
      from: snapshot.from,
      to: snapshot.to,
      rules: rules.map((rule) => ({
        name: rule.name,
        kind: rule.kind,
        description: rule.description,
        threshold: rule.threshold,
        windowMinutes: rule.windowMinutes,
        classification: (rule.classification ?? null) as Classification | null,
        alerts: alerts.filter((alert) => alert.rule.name === rule.name).length,
      })),
      alerts: shown,
      withheldEvents,
      verified: snapshot.status.ok,
      chains: snapshot.status.chains.map(publicChainStatus),
    };
  },
};

import { badUserInput, notFound } from '@cmcc/subgraph-kit';
import type { AuditContext } from '../context.ts';
import { requireAuditRead } from './access.ts';
import { payloadReleasedTo, viewOf, type AuditEventView } from './release.ts';
import { noteRecordMarkings } from '@cmcc/contracts';
import { parseAuditPage, parseFilter, type FilterInput } from './validate.ts';

export const Query = {
  async auditEvents(_: unknown, args: { filter?: FilterInput | null; first?: number | null; after?: string | null }, context: AuditContext) {
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
    return { ...(await store.chainStatus()), storage: context.loaders.trail.describe() };
  },
};

/**
 * The auditor's own operation is audited too: its event is about the records of the events it was shown in full, so
 * it carries their markings (packages/contracts/src/record-markings.ts) and is shown only to auditors released them as well.
 */
function reportShown(context: AuditContext, views: readonly AuditEventView[]): void {
  for (const view of views) if (!view.redacted) noteRecordMarkings(context, view.markings?.records ?? null);
}

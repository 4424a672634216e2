import { badUserInput, notFound } from '../../../kit/src/index.ts';
import { encodeCursor } from '../../../../gateway/src/audit/store.ts';
import type { AuditContext } from '../server.ts';
import { requireAuditRead } from './access.ts';
import { payloadReleasedTo, viewOf } from './release.ts';
import { parseAuditPage, parseFilter, type FilterInput } from './validate.ts';

export const Query = {
  async auditEvents(_: unknown, args: { filter?: FilterInput | null; first?: number | null; after?: string | null }, context: AuditContext) {
    requireAuditRead(context.principal);
    const released = payloadReleasedTo(context.principal);
    const filter = { ...parseFilter(args.filter), payloadReleased: released };
    const page = parseAuditPage(args.first, args.after);
    const store = await context.loaders.trail.open();
    const result = await store.listEvents(filter, page);
    return { edges: result.events.map((event) => ({ cursor: encodeCursor(event.seq), node: viewOf(event, released) })), pageInfo: result.pageInfo };
  },

  async auditEvent(_: unknown, args: { id: string }, context: AuditContext) {
    requireAuditRead(context.principal);
    if (args.id.trim() === '' || args.id.length > 128) throw badUserInput(`"id" must be an audit event id; got ${JSON.stringify(args.id.slice(0, 40))}`, 'id');
    const store = await context.loaders.trail.open();
    const event = await store.getEvent(args.id);
    if (!event) throw notFound(`No audit event has the id "${args.id}"`);
    return viewOf(event, payloadReleasedTo(context.principal));
  },

  async auditChainStatus(_: unknown, _args: unknown, context: AuditContext) {
    requireAuditRead(context.principal);
    const store = await context.loaders.trail.open();
    return { ...(await store.chainStatus()), storage: context.loaders.trail.describe() };
  },
};

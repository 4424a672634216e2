// `GET /events?after=<id>` (and `&until=<id>` for a closed range): a subgraph's change events as a text/event-stream, for gateways only (the embedded
// default; with REDIS_URL gateways read the Redis stream instead). Authenticated like every subgraph request: a
// principal header signed with the secret shared with the gateway.
import type http from 'node:http';
import { isEventId, PRINCIPAL_HEADER, PrincipalTokenError, type ChangeEvent, type PrincipalVerifier } from '@cmcc/contracts';
import type { Logger } from '@cmcc/platform';
import type { Database } from './db.ts';
import { checkResume, readChangeEvents, type ChangeTailer } from './change-feed.ts';

export interface EventStreamOptions {
  db: Database;
  subgraph: string;
  verifier: PrincipalVerifier;
  tailer: () => Promise<ChangeTailer>;
  retentionHours: number;
  logger: Logger;
  /** A comment line this often keeps proxies from closing an idle stream. */
  keepAliveMs?: number;
}

export interface EventStream {
  route(request: http.IncomingMessage, response: http.ServerResponse, url: URL): Promise<void>;
  /** Ends every open stream (shutdown): gateways reconnect, to another replica or to this one restarted. */
  closeAll(): void;
}

function refuse(response: http.ServerResponse, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  if (status === 401) response.setHeader('www-authenticate', 'Bearer');
  response.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

const frame = (event: ChangeEvent) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;

export function createEventStream(options: EventStreamOptions): EventStream {
  const { db, subgraph, logger } = options;
  const open = new Set<http.ServerResponse>();
  /** `after` and `until`: the events of a range (a gateway's resume), then the end of the response. */
  const sendRange = async (response: http.ServerResponse, after: string, until: string) => {
    let cursor = after;
    for (;;) {
      const events = (await readChangeEvents(db, subgraph, cursor)).filter((event) => BigInt(event.id) <= BigInt(until));
      for (const event of events) response.write(frame(event));
      if (events.length < 500) break;
      cursor = events[events.length - 1].id;
    }
    response.end();
  };
  return {
    async route(request, response, url) {
      const header = request.headers[PRINCIPAL_HEADER];
      try {
        await options.verifier.verify(typeof header === 'string' ? header : undefined);
      } catch (error) {
        if (!(error instanceof PrincipalTokenError)) throw error;
        logger.warn({ reason: error.message, remote: request.socket.remoteAddress }, 'refused an event stream request not signed by the gateway');
        return refuse(response, 401, 'UNAUTHENTICATED', `${error.message}. The change events of ${subgraph} are served to the gateway only.`);
      }
      const lastEventId = request.headers['last-event-id'];
      const after = url.searchParams.get('after') ?? (typeof lastEventId === 'string' ? lastEventId : null);
      if (after !== null && after !== '0' && !isEventId(after)) {
        return refuse(response, 400, 'BAD_REQUEST', `after (or Last-Event-ID) must be an event id, a positive whole number; got "${String(after).slice(0, 40)}"`);
      }
      const until = url.searchParams.get('until');
      if (until !== null && (after === null || !isEventId(until))) {
        return refuse(response, 400, 'BAD_REQUEST', 'until (the last event id of a range) must be an event id, and needs after');
      }
      const tailer = await options.tailer();
      if (after !== null) {
        const resume = await checkResume(db, after, options.retentionHours);
        if (!resume.ok) {
          return refuse(
            response,
            410,
            'RESUME_WINDOW_EXCEEDED',
            `Cannot resume ${subgraph} events after ${after}: events are kept for resuming for ${options.retentionHours} hours, from ${resume.oldestRetainedId ?? 'now'} on. Reload the current state, then follow the events from now.`,
            { oldestRetainedId: resume.oldestRetainedId },
          );
        }
      }
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      if (until !== null) return sendRange(response, after!, until);
      open.add(response);
      // Registered before the backlog is read: whatever the tailer hands out meanwhile waits, and repeats are dropped by id.
      let cursor = after ?? tailer.lastId;
      let waiting: ChangeEvent[] | null = after === null ? null : [];
      const send = (event: ChangeEvent) => {
        if (BigInt(event.id) <= BigInt(cursor)) return;
        cursor = event.id;
        response.write(frame(event));
      };
      const unlisten = tailer.listen((event) => (waiting ? waiting.push(event) : send(event)));
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
      const end = () => {
        unlisten();
        clearInterval(keepAlive);
        open.delete(response);
      };
      request.on('close', end);
      response.write(`: ${subgraph} events after ${cursor}\n\n`);
      try {
        while (waiting) {
          const events = await readChangeEvents(db, subgraph, cursor);
          for (const event of events) send(event);
          if (events.length < 500) {
            for (const event of waiting) send(event);
            waiting = null;
          }
        }
      } catch (error) {
        logger.warn({ err: error }, 'reading the change history for a resume failed; ending the stream');
        end();
        response.end();
      }
    },
    closeAll() {
      for (const response of open) response.end();
      open.clear();
    },
  };
}

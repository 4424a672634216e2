// Where a subgraph's change events travel (change-events.ts): its own `GET /events` stream, and with REDIS_URL a Redis
// stream per subgraph. Subgraphs write them and gateways read them, so both take the names from here.

/** The path of a subgraph's event stream (text/event-stream; `after=<id>` or `Last-Event-ID` resumes). */
export const EVENT_STREAM_PATH = '/events';

/** The Redis stream a subgraph relays its events to; the braces keep a subgraph's keys in one Redis Cluster slot. */
export function changeEventStreamKey(subgraph: string, prefix = 'cmcc'): string {
  return `${prefix}:{events:${subgraph}}`;
}

/** The field of a Redis stream entry that holds the ChangeEvent as JSON. */
export const CHANGE_EVENT_FIELD = 'event';

/** A Redis stream entry id for an event id: entries are `0-<record_change id>`, so the stream refuses a repeat. */
export function streamEntryId(eventId: string): string {
  return `0-${eventId}`;
}

/** The event id of a Redis stream entry id. */
export function eventIdOfEntry(entryId: string): string {
  return entryId.slice(entryId.indexOf('-') + 1);
}

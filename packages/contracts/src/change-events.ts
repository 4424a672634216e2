// Change events: how a working group's subgraph tells the gateway that one of its records changed, so the gateway can
// serve live subscriptions. An event names the record and carries no field values and no marking: whoever receives
// it learns only that a record of that type changed. What a subscriber gets for it is decided per subscriber, by the
// owning subgraph resolving the subscription's root field under that subscriber's principal (rule v2): a record
// withheld from them resolves to null, and a null root field is delivered as no event at all.
//
// The flow: every write goes through the kit's RecordWriter, which appends a row to the subgraph's `record_change`
// history in the same transaction (mutations and imports alike); the subgraph publishes those rows as ChangeEvents
// (served to gateways from its own process by default, or relayed to Redis Streams with REDIS_URL); the gateway
// plans the subscription with the query planner and, for each event, sends the plan's primary fetch (a `subscription`
// operation) to the owning subgraph with the event in the CHANGE_EVENT_HEADER, then runs the rest of the plan.

/** One change to one record of one working group. */
export interface ChangeEvent {
  /** Opaque and ordered within its subgraph's feed: what a client sends back (Last-Event-ID) to resume after it. */
  readonly id: string;
  /** The working group's service name, e.g. `humanitarian`. */
  readonly subgraph: string;
  /** The GraphQL type of the record, e.g. `Convoy` (the `entity_type` of its history row). */
  readonly entityType: string;
  /** The record's id. */
  readonly entityId: string;
  /** The record's version after the change. */
  readonly version: number;
  readonly operation: 'CREATE' | 'UPDATE';
  /** When the change was written (ISO 8601). */
  readonly changedAt: string;
}

/** The header that carries one ChangeEvent (as JSON) with the primary fetch of a subscription, gateway to subgraph. */
export const CHANGE_EVENT_HEADER = 'x-cmcc-change-event';

/** Reads a ChangeEvent from the header's value; null when absent, an Error when it is not one. */
export function parseChangeEvent(value: string | string[] | undefined): ChangeEvent | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) throw new Error(`${CHANGE_EVENT_HEADER} given more than once`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${CHANGE_EVENT_HEADER} is not JSON`);
  }
  const event = parsed as Partial<ChangeEvent>;
  const ok =
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    typeof event.subgraph === 'string' &&
    typeof event.entityType === 'string' &&
    typeof event.entityId === 'string' &&
    Number.isInteger(event.version) &&
    (event.operation === 'CREATE' || event.operation === 'UPDATE') &&
    typeof event.changedAt === 'string';
  if (!ok) throw new Error(`${CHANGE_EVENT_HEADER} is not a change event (id, subgraph, entityType, entityId, version, operation, changedAt)`);
  return event as ChangeEvent;
}

/**
 * Where a gateway reads change events from. Event ids are the decimal `record_change.id` of the owning subgraph's
 * database, so they are durable, ordered within one subgraph's feed, and the same whichever replica relays them.
 * Implementations: in memory (tests), each subgraph's own `/events` stream (embedded default), Redis Streams
 * (`REDIS_URL`), all behind this interface.
 */
export interface EventFeed {
  /**
   * The events of one subgraph, in order, each once: those after `afterId` first (a resume), then new ones as they are
   * written, until `signal` aborts. `afterId` null means "from now". The subscription is registered when the call
   * returns (an event written after it is delivered). Iterating throws ResumeWindowExceededError when `afterId` is
   * older than the feed retains.
   */
  subscribe(subgraph: string, afterId: string | null, signal: AbortSignal): AsyncIterable<ChangeEvent>;
  /** Ends every iteration and releases connections. */
  close(): Promise<void>;
}

/** A resume asked for events older than the feed keeps: the client must reload its view, then subscribe afresh. */
export class ResumeWindowExceededError extends Error {
  readonly code = 'RESUME_WINDOW_EXCEEDED';
  constructor(
    readonly subgraph: string,
    readonly afterId: string,
    readonly oldestRetainedId: string | null,
  ) {
    super(
      `Cannot resume ${subgraph} events after ${afterId}: the feed keeps events from ${oldestRetainedId ?? 'now'} on. ` +
        'Reload the current state with a query, then subscribe again without a last event id.',
    );
    this.name = 'ResumeWindowExceededError';
  }
}

/** Orders two event ids of one subgraph's feed (negative when `a` came first). */
export function compareEventIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a string is an event id (a positive decimal integer), e.g. a Last-Event-ID a client sent back. */
export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value);
}

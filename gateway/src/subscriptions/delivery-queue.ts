import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Delivery, SubscriptionSink } from './engine.ts';

/** One result as a client receives it: the subscription's data and errors, with the change event's id in `extensions`. */
export interface LiveResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: { eventId: string };
}

const sizes = new WeakMap<object, number>();

/** The JSON size of a delivery's result, worked out once however many subscribers share it. */
export function resultSize(result: Delivery['result']): number {
  let size = sizes.get(result);
  if (size === undefined) sizes.set(result, (size = Buffer.byteLength(JSON.stringify(result))));
  return size;
}

/**
 * A subscriber's events waiting for its transport, as an async iterable: what graphql-ws's server pulls from (it sends
 * one message at a time and waits for the socket). `bytes` is what waits here; the transport adds what its socket holds.
 */
export class DeliveryQueue implements SubscriptionSink, AsyncIterable<LiveResult> {
  private readonly items: { result: LiveResult; size: number; delivery?: Delivery }[] = [];
  private ended = false;
  private wake: (() => void) | null = null;
  bytes = 0;

  constructor(
    /** Called after an event is queued, with its size (what waited before it is what the transport judges). */
    private readonly onQueued: (size: number) => void,
    private readonly onDelivered: (delivery: Delivery) => void,
  ) {}

  next(delivery: Delivery): void {
    if (this.ended) return;
    const size = resultSize(delivery.result);
    const { errors, ...rest } = delivery.result;
    this.items.push({ result: { ...rest, ...(errors ? { errors: serializable(errors) } : {}), extensions: { eventId: delivery.eventId } }, size, delivery });
    this.bytes += size;
    this.wake?.();
    this.onQueued(size);
  }

  /** Ends the iteration after what is queued; an error is delivered as a last result carrying it. */
  end(error?: GraphQLError): void {
    if (this.ended) return;
    if (error) this.items.push({ result: { errors: serializable([error.toJSON()]) }, size: 0 });
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LiveResult> {
    while (true) {
      const item = this.items.shift();
      if (item) {
        this.bytes -= item.size;
        if (item.delivery) this.onDelivered(item.delivery);
        yield item.result;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

/** graphql-ws's server formats a result's errors with their `toJSON` (GraphQLError's): formatted errors get one. */
function serializable(errors: GraphQLFormattedError[]): GraphQLFormattedError[] {
  return errors.map((error) => ({ ...error, toJSON: () => error }));
}

import type { ApolloServerPlugin } from '@apollo/server';
import { CLASSIFICATIONS, TLPS, type AccessMarking } from './marking.ts';

/**
 * The response extension in which a subgraph tells the gateway the markings of the records it returned, so the
 * gateway's audit event carries the marking of what it describes (the audit subgraph releases an event's payload only
 * to auditors every one of those markings releases).
 */
export const MARKINGS_EXTENSION = 'cmccRecordMarkings';

/** What a subgraph reports for one operation. */
export interface MarkingReport {
  /** The distinct markings of the records whose fields the operation resolved (read, or returned by a mutation). */
  markings: AccessMarking[];
  /**
   * False when a record of a marked type (one with a `marking` field) was resolved without a marking the subgraph
   * could read: the gateway then treats the event's markings as unknown (fail closed).
   */
  complete: boolean;
}

/** At most this many distinct markings are reported; more make the report incomplete (the event fails closed). */
export const MAX_REPORTED_MARKINGS = 200;

/** Whether a value is a marking as the kit stores it (`markingFromRow`): anything else is not trusted as one. */
export function isAccessMarking(value: unknown): value is AccessMarking {
  if (!value || typeof value !== 'object') return false;
  const marking = value as Record<string, unknown>;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    (CLASSIFICATIONS as readonly unknown[]).includes(marking.classification) &&
    (TLPS as readonly unknown[]).includes(marking.tlp) &&
    typeof marking.originator === 'string' &&
    strings(marking.releasableTo) &&
    strings(marking.recipients) &&
    strings(marking.caveats) &&
    (marking.nationalMarking === undefined || marking.nationalMarking === null || typeof marking.nationalMarking === 'string')
  );
}

/** A marking reduced to its own fields, so two records with the same marking are reported once. */
function plainMarking(marking: AccessMarking): AccessMarking {
  const { classification, releasableTo, tlp, originator, recipients, caveats } = marking;
  const nationalMarking = (marking as { nationalMarking?: string | null }).nationalMarking;
  return { classification, ...(nationalMarking ? { nationalMarking } : {}), releasableTo, tlp, originator, recipients, caveats } as AccessMarking;
}

interface Collector {
  markings: Map<string, AccessMarking>;
  complete: boolean;
}

const collectors = new WeakMap<object, Collector>();

/**
 * For a resolver that returns what records say without returning the records themselves (the audit subgraph returns
 * events about records): adds their markings to the operation's report, or, with `null`, says they are not known (the
 * gateway's event of the operation is then redacted for every auditor).
 */
export function noteRecordMarkings(context: object, markings: readonly AccessMarking[] | null): void {
  const collector = collectors.get(context);
  if (!collector) return;
  if (markings === null) collector.complete = false;
  else for (const marking of markings) add(collector, marking);
}

function add(collector: Collector, marking: unknown): void {
  if (!isAccessMarking(marking)) {
    collector.complete = false;
    return;
  }
  const plain = plainMarking(marking);
  collector.markings.set(JSON.stringify(plain), plain);
}

/**
 * Reports, in the response extension `MARKINGS_EXTENSION`, the marking of every record whose fields the operation
 * resolved: a record is recognised by the `marking` its repository put on it, whatever path reached it (a list, a
 * nested field, an entity reference from the gateway, a mutation's payload). A record of a type with a `marking` field
 * that carries no readable marking makes the report incomplete.
 */
export function ApolloServerPluginRecordMarkings(): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      const seen = new WeakSet<object>();
      const collector: Collector = { markings: new Map(), complete: true };
      if (contextValue && typeof contextValue === 'object') collectors.set(contextValue, collector);
      return {
        async executionDidStart() {
          return {
            willResolveField({ source, info }) {
              if (!source || typeof source !== 'object' || seen.has(source)) return;
              seen.add(source);
              const marking = (source as { marking?: unknown }).marking;
              // A record of a marked type without a readable marking makes the report incomplete; on other objects a
              // marking (a record covered by another's marking may carry it) is reported when there is one.
              if (isAccessMarking(marking) || info.parentType.getFields().marking) add(collector, marking);
            },
          };
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const reported = [...collector.markings.values()];
          const report: MarkingReport = { markings: reported.slice(0, MAX_REPORTED_MARKINGS), complete: collector.complete && reported.length <= MAX_REPORTED_MARKINGS };
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [MARKINGS_EXTENSION]: report };
        },
      };
    },
  };
}

/** The report in a subgraph's response extensions, or null when there is none or it is not well-formed. */
export function markingReportOf(extensions: Record<string, unknown> | undefined | null): MarkingReport | null {
  const report = extensions?.[MARKINGS_EXTENSION] as Partial<MarkingReport> | undefined;
  if (!report || typeof report !== 'object' || typeof report.complete !== 'boolean' || !Array.isArray(report.markings)) return null;
  if (!report.markings.every(isAccessMarking)) return null;
  return { markings: report.markings.map(plainMarking), complete: report.complete };
}

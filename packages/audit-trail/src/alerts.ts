import { CLASSIFICATIONS, type Classification } from '@cmcc/contracts';
import { ConfigError, defineEnv, oneOf, readEnv, wholeNumber, positiveInt, type Env } from '@cmcc/platform';
import { classificationRank } from './investigate.ts';
import type { AuditEventRecord, AuditNoticeRecord } from './records.ts';
import type { ChainedAuditEvent, ChainedAuditRecord } from './store.ts';

/**
 * Alert rules on the audit trail: the audit subgraph works them out over the trail (`auditAlerts`, and the metric
 * `cmcc_audit_alerts_firing`). Each rule looks at a window of minutes ending at a moment, and fires when what it counts
 * in that window is above its threshold. Configured by environment (AUDIT_ALERT_*), one rule of each kind.
 */
export const ALERT_KINDS = ['SENSITIVE_READS', 'REPEATED_FORBIDDEN', 'SINK_FAILURE'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRule {
  /** The rule's name, the label of its metric. */
  readonly name: string;
  readonly kind: AlertKind;
  /** Fires when the count in the window is above this. */
  readonly threshold: number;
  readonly windowMinutes: number;
  /** SENSITIVE_READS: records marked at or above this classification count. */
  readonly classification?: Classification;
  /** The rule in a sentence, for the auditor. */
  readonly description: string;
}

export interface AlertConfig {
  /** The rules switched on (a threshold of 0, or the sink rule's window of 0, switches a rule off). */
  readonly rules: readonly AlertRule[];
  /** How long the alerts firing now are reused (the metric and `auditAlerts` without a period); 0: worked out every time. */
  readonly evaluationSeconds: number;
}

const ALERT_COMPONENTS = ['audit subgraph'];

/** The alert rules' variables. */
export const AUDIT_ALERT_ENV = defineEnv({
  AUDIT_ALERT_READS_CLASSIFICATION: {
    description: 'alert `sensitive-reads`: records marked at or above this classification count (`UNCLASSIFIED`, `RESTRICTED`, `CONFIDENTIAL`, `SECRET`)',
    components: ALERT_COMPONENTS,
    default: 'SECRET',
    ...oneOf(CLASSIFICATIONS as unknown as [Classification, ...Classification[]]),
  },
  AUDIT_ALERT_READS_THRESHOLD: {
    description:
      'alert `sensitive-reads` fires when one principal read more than this many distinct records so marked within `AUDIT_ALERT_READS_WINDOW_MINUTES` (counted from the events the auditor may see); 0: off',
    components: ALERT_COMPONENTS,
    default: '200',
    ...wholeNumber({ max: 1_000_000 }),
  },
  AUDIT_ALERT_READS_WINDOW_MINUTES: { description: 'the window of alert `sensitive-reads`, in minutes', components: ALERT_COMPONENTS, default: '10', ...positiveInt(10_080) },
  AUDIT_ALERT_FORBIDDEN_THRESHOLD: {
    description:
      'alert `repeated-forbidden` fires when requests naming one record by key were refused it (`FORBIDDEN`) more than this many times within `AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES`, whoever sent them; 0: off',
    components: ALERT_COMPONENTS,
    default: '5',
    ...wholeNumber({ max: 1_000_000 }),
  },
  AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES: {
    description: 'the window of alert `repeated-forbidden`, in minutes',
    components: ALERT_COMPONENTS,
    default: '10',
    ...positiveInt(10_080),
  },
  AUDIT_ALERT_SINK_WINDOW_MINUTES: {
    description:
      "alert `audit-sink-failure` fires while a gateway's audit sink failed within this many minutes (the `sink-unavailable` notice a gateway writes into its chain once the sink takes writes again); 0: off",
    components: ALERT_COMPONENTS,
    default: '1440',
    ...wholeNumber({ max: 525_600 }),
  },
  AUDIT_ALERT_EVALUATION_SECONDS: {
    description:
      'the alerts firing now (metric `cmcc_audit_alerts_firing`, `auditAlerts` without a period) are worked out over the trail at most once per this many seconds; 0: every time',
    components: ALERT_COMPONENTS,
    default: '30',
    ...wholeNumber({ max: 3600 }),
  },
});

/** The rules the AUDIT_ALERT_* variables configure; problems are collected, not thrown. */
export function parseAlertConfig(env: Env, problems: string[]): AlertConfig {
  const values = readEnv(env, AUDIT_ALERT_ENV, problems);
  const rules: AlertRule[] = [];
  if (values.AUDIT_ALERT_READS_THRESHOLD > 0) {
    const classification = values.AUDIT_ALERT_READS_CLASSIFICATION;
    rules.push({
      name: 'sensitive-reads',
      kind: 'SENSITIVE_READS',
      threshold: values.AUDIT_ALERT_READS_THRESHOLD,
      windowMinutes: values.AUDIT_ALERT_READS_WINDOW_MINUTES,
      classification,
      description: `One principal read more than ${values.AUDIT_ALERT_READS_THRESHOLD} distinct records marked ${classification} or above within ${values.AUDIT_ALERT_READS_WINDOW_MINUTES} minutes.`,
    });
  }
  if (values.AUDIT_ALERT_FORBIDDEN_THRESHOLD > 0) {
    rules.push({
      name: 'repeated-forbidden',
      kind: 'REPEATED_FORBIDDEN',
      threshold: values.AUDIT_ALERT_FORBIDDEN_THRESHOLD,
      windowMinutes: values.AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES,
      description: `Requests naming one record were refused it (FORBIDDEN) more than ${values.AUDIT_ALERT_FORBIDDEN_THRESHOLD} times within ${values.AUDIT_ALERT_FORBIDDEN_WINDOW_MINUTES} minutes.`,
    });
  }
  if (values.AUDIT_ALERT_SINK_WINDOW_MINUTES > 0) {
    rules.push({
      name: 'audit-sink-failure',
      kind: 'SINK_FAILURE',
      threshold: 0,
      windowMinutes: values.AUDIT_ALERT_SINK_WINDOW_MINUTES,
      description: `A gateway could not write its audit trail for a while within the last ${values.AUDIT_ALERT_SINK_WINDOW_MINUTES} minutes (operations were refused, or served and their events only logged).`,
    });
  }
  return Object.freeze({ rules: Object.freeze(rules), evaluationSeconds: values.AUDIT_ALERT_EVALUATION_SECONDS });
}

/** The alert rules alone; throws a ConfigError naming every bad AUDIT_ALERT_* variable. */
export function loadAlertConfig(env: Env = process.env): AlertConfig {
  const problems: string[] = [];
  const config = parseAlertConfig(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A sink outage a gateway recorded in its chain (notice `sink-unavailable`). */
export interface SinkOutage {
  chain: string;
  since: string;
  until: string;
  downForMs: number;
  refusedOperations: number;
  droppedEvents: number;
}

/** One rule firing for one principal, one record or one trail, over the period asked about. */
export interface AuditAlert {
  rule: AlertRule;
  /** The first moment in the period at which the count was above the threshold. */
  firedAt: string;
  /** The window with the highest count (`windowEnd` - `windowMinutes` to `windowEnd`, inclusive). */
  windowStart: string;
  windowEnd: string;
  /** The highest count in a window of the period. */
  count: number;
  /** SENSITIVE_READS: whose reads. */
  principal: string | null;
  /** REPEATED_FORBIDDEN: the record the refused requests named, and who sent them. */
  record: { type: string | null; key: string } | null;
  principals: string[];
  /** The events in the window of the highest count that the rule counted (oldest first). */
  events: ChainedAuditEvent[];
  /** SINK_FAILURE: the outages in that window. */
  outages: SinkOutage[];
}

/** What one event (or notice) adds to a group: the distinct things it counts for (records, refusals, outages). */
interface Contribution {
  time: number;
  /** Until when it counts (an outage lasts; an event is a moment). */
  until: number;
  items: string[];
  event?: ChainedAuditEvent;
  outage?: SinkOutage;
}

interface Group {
  principal: string | null;
  record: { type: string | null; key: string } | null;
  contributions: Contribution[];
}

const MINUTE = 60_000;

/** The distinct records of an event that a SENSITIVE_READS rule counts, or none when no marking of it is at or above the level. */
function sensitiveRecords(event: AuditEventRecord, level: Classification): string[] {
  const rank = classificationRank(level);
  if (!(event.markings?.records ?? []).some((marking) => classificationRank(marking.classification) >= rank)) return [];
  // The markings are per event, not per record: every record of an event holding such a marking counts (an upper
  // bound); one with no record recorded counts as one record, unknown.
  const records = new Set(event.entities.map((entity) => `${entity.type}:${entity.key}`));
  return records.size > 0 ? [...records] : [`event:${event.id}`];
}

function groupsOf(rule: AlertRule, records: readonly ChainedAuditRecord[], counts: (event: ChainedAuditEvent) => boolean): Map<string, Group> {
  const groups = new Map<string, Group>();
  const add = (id: string, group: Omit<Group, 'contributions'>, contribution: Contribution) => {
    let found = groups.get(id);
    if (!found) groups.set(id, (found = { ...group, contributions: [] }));
    found.contributions.push(contribution);
  };
  for (const record of records) {
    if (rule.kind === 'SINK_FAILURE') {
      if (record.kind !== 'notice' || record.notice !== 'sink-unavailable') continue;
      const outage = outageOf(record as AuditNoticeRecord & { chain: string });
      add('trail', { principal: null, record: null }, { time: Date.parse(outage.since), until: Date.parse(outage.until), items: [`${outage.chain}:${record.seq}`], outage });
      continue;
    }
    if (record.kind !== 'event' || !counts(record)) continue;
    const time = Date.parse(record.time);
    if (rule.kind === 'SENSITIVE_READS') {
      const subject = record.principal?.subject;
      const items = subject ? sensitiveRecords(record, rule.classification ?? 'SECRET') : [];
      if (subject && items.length > 0) add(subject, { principal: subject, record: null }, { time, until: time, items, event: record });
    } else if (record.outcome.errorCodes.includes('FORBIDDEN')) {
      for (const withheld of record.authorization.withheld) {
        if (withheld.key === undefined) continue;
        const target = { type: withheld.type ?? null, key: withheld.key };
        add(`${target.type ?? '?'}:${target.key}`, { principal: null, record: target }, { time, until: time, items: [`${record.chain}:${record.seq}`], event: record });
      }
    }
  }
  return groups;
}

function outageOf(record: AuditNoticeRecord & { chain: string }): SinkOutage {
  const details = record.details ?? {};
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const until = typeof details.until === 'string' ? details.until : record.time;
  return {
    chain: record.chain,
    since: typeof details.since === 'string' ? details.since : until,
    until,
    downForMs: number(details.downForMs),
    refusedOperations: number(details.refusedOperations),
    droppedEvents: number(details.droppedEvents),
  };
}

/**
 * Every alert of `rules` over `period`: for each rule and group (a principal, a record, the trail), the moments looked
 * at are the period's start and every time in it something counted; at each, the rule's window is the `windowMinutes`
 * up to it (inclusive). A group fires when a window counts more than the threshold. `counts` says which events may be
 * counted (the audit subgraph leaves out those whose payload the auditor may not see, for rules that read the payload).
 */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  records: readonly ChainedAuditRecord[],
  period: { from: string; to: string },
  counts: (rule: AlertRule, event: ChainedAuditEvent) => boolean = () => true,
): AuditAlert[] {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const alerts: AuditAlert[] = [];
  for (const rule of rules) {
    const width = rule.windowMinutes * MINUTE;
    for (const group of groupsOf(rule, records, (event) => counts(rule, event)).values()) {
      const contributions = group.contributions.filter((c) => c.until >= from - width && c.time <= to).sort((a, b) => a.time - b.time);
      const moments = [from, ...contributions.map((c) => c.time).filter((time) => time > from && time <= to)];
      let best: { at: number; count: number; inWindow: Contribution[] } | null = null;
      let firedAt: number | null = null;
      // Contributions enter the window when the moment reaches them and leave once older than it: two pointers over
      // the list sorted by time, item counts kept as they go. (An outage lasts: it leaves when it ended before the window.)
      const items = new Map<string, number>();
      const count = (item: string, by: number) => {
        const next = (items.get(item) ?? 0) + by;
        if (next === 0) items.delete(item);
        else items.set(item, next);
      };
      const instantaneous = contributions.every((c) => c.until === c.time);
      let entered = 0;
      let left = 0;
      let lasting: Contribution[] = [];
      for (const at of moments) {
        for (; entered < contributions.length && contributions[entered].time <= at; entered++) {
          if (!instantaneous) lasting.push(contributions[entered]);
          for (const item of contributions[entered].items) count(item, 1);
        }
        if (instantaneous) {
          for (; left < entered && contributions[left].time < at - width; left++) for (const item of contributions[left].items) count(item, -1);
        } else {
          const ended = lasting.filter((c) => c.until < at - width);
          for (const c of ended) for (const item of c.items) count(item, -1);
          lasting = lasting.filter((c) => c.until >= at - width);
        }
        if (items.size <= rule.threshold) continue;
        firedAt ??= at;
        if (!best || items.size > best.count) best = { at, count: items.size, inWindow: instantaneous ? contributions.slice(left, entered) : [...lasting] };
      }
      if (!best || firedAt === null) continue;
      alerts.push({
        rule,
        firedAt: new Date(firedAt).toISOString(),
        windowStart: new Date(best.at - width).toISOString(),
        windowEnd: new Date(best.at).toISOString(),
        count: best.count,
        principal: group.principal,
        record: group.record,
        principals: [...new Set(best.inWindow.flatMap((c) => (c.event?.principal?.subject ? [c.event.principal.subject] : [])))].sort(),
        events: best.inWindow.flatMap((c) => (c.event ? [c.event] : [])),
        outages: best.inWindow.flatMap((c) => (c.outage ? [c.outage] : [])),
      });
    }
  }
  return alerts.sort((a, b) => (a.firedAt === b.firedAt ? a.rule.name.localeCompare(b.rule.name) : a.firedAt < b.firedAt ? -1 : 1));
}

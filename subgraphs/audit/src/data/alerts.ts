import { evaluateAlerts, type AlertConfig, type ChainedAuditRecord, type ChainStatus } from '@cmcc/audit-trail';
import type { AuditTrail } from './trail.ts';

/** What the alert rules are worked out over: the trail's records that can count in a period, and the chains' status. */
export interface AlertSnapshot {
  /** The period's start and end (ISO 8601). */
  from: string;
  to: string;
  records: ChainedAuditRecord[];
  status: ChainStatus;
}

/**
 * The alert rules (AUDIT_ALERT_*) over the trail: snapshots of the records that can count in a period (events from the
 * longest window before its start to its end, and every sink-outage notice), read from the store. The snapshot of
 * "now" (the metric `cmcc_audit_alerts_firing`, `auditAlerts` without a period) is reused for
 * `AUDIT_ALERT_EVALUATION_SECONDS`, so scrapes and dashboards do not read the trail more often than that.
 */
export class AlertWatch {
  private now: { at: number; snapshot: Promise<AlertSnapshot> } | null = null;

  constructor(private readonly trail: AuditTrail) {}

  config(): AlertConfig {
    return this.trail.alertSettings();
  }

  /** The records of a period (`to` defaults to now, `from` to `to`); "now" comes from the reused snapshot. */
  async snapshot(period: { from?: string; to?: string } = {}): Promise<AlertSnapshot> {
    if (period.from === undefined && period.to === undefined) {
      const reuseMs = this.config().evaluationSeconds * 1000;
      if (!this.now || Date.now() - this.now.at >= reuseMs || reuseMs === 0) {
        const to = new Date().toISOString();
        const snapshot = this.read(to, to);
        this.now = { at: Date.now(), snapshot };
        // A failed read is not reused: the next caller reads again.
        snapshot.catch(() => {
          if (this.now?.snapshot === snapshot) this.now = null;
        });
      }
      return this.now.snapshot;
    }
    const to = period.to ?? new Date().toISOString();
    return this.read(period.from ?? to, to);
  }

  /** How many alerts each rule has firing now, every event counted (for the metric: no auditor's view, no principal). */
  async firingNow(): Promise<Map<string, number>> {
    const { rules } = this.config();
    const snapshot = await this.snapshot();
    const firing = new Map(rules.map((rule) => [rule.name, 0]));
    for (const alert of evaluateAlerts(rules, snapshot.records, snapshot)) firing.set(alert.rule.name, (firing.get(alert.rule.name) ?? 0) + 1);
    return firing;
  }

  private async read(from: string, to: string): Promise<AlertSnapshot> {
    const { rules } = this.config();
    const longest = Math.max(0, ...rules.map((rule) => rule.windowMinutes)) * 60_000;
    const earliest = new Date(Date.parse(from) - longest).toISOString();
    const store = await this.trail.open();
    const records: ChainedAuditRecord[] = [];
    for await (const record of store.scan()) {
      if (record.kind === 'event' && record.time >= earliest && record.time <= to) records.push(record);
      else if (record.kind === 'notice' && record.notice === 'sink-unavailable') records.push(record);
    }
    return { from, to, records, status: await store.chainStatus() };
  }
}

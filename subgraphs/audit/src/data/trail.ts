import { loadAlertConfig, loadAuditConfig, type AlertConfig, type AuditConfig, openAuditStore, type AuditStore, auditKeyFromConfig } from '@cmcc/audit-trail';
import type { Env } from '@cmcc/subgraph-kit';

/**
 * The gateway's audit trail, read through its read API (packages/audit-trail/src/store.ts) with the gateway's own settings:
 * `REDIS_URL` / `AUDIT_SINK` / `AUDIT_REDIS_STREAM` for the Redis stream, `DATA_DIR` / `AUDIT_DIR` for the JSONL file,
 * `AUDIT_SIGNING_KEY` / `AUDIT_SIGNING_KEY_FILE` to verify checkpoints. Opened on first use; reopened while the
 * verification key is missing (the gateway creates its Ed25519 key on its first start, possibly after this subgraph's).
 */
export class AuditTrail {
  private config: AuditConfig | null = null;
  private alerts: AlertConfig | null = null;
  private store: AuditStore | null = null;
  private keyed = false;

  constructor(private readonly env: Env) {}

  /** The audit settings; throws a ConfigError naming every bad AUDIT_* variable. */
  settings(): AuditConfig {
    this.config ??= loadAuditConfig(this.env);
    return this.config;
  }

  /** The alert rules (AUDIT_ALERT_*); throws a ConfigError naming every bad variable. */
  alertSettings(): AlertConfig {
    this.alerts ??= loadAlertConfig(this.env);
    return this.alerts;
  }

  /** Where the trail is, without revealing file paths. */
  describe(): string {
    const config = this.settings();
    if (config.sink === 'redis' && config.redisStreamSet) return `redis streams of set ${config.redisStreamSet} (one per gateway replica)`;
    return config.sink === 'redis' ? `redis stream ${config.redisStream}` : 'file audit.jsonl';
  }

  async open(): Promise<AuditStore> {
    const config = this.settings();
    if (this.store && this.keyed) return this.store;
    let keyed = false;
    try {
      keyed = auditKeyFromConfig(config, { create: false }) !== null;
    } catch {
      keyed = false;
    }
    if (!this.store || keyed) {
      const previous = this.store;
      this.store = openAuditStore(config);
      this.keyed = keyed;
      await previous?.close();
    }
    return this.store;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = null;
  }
}

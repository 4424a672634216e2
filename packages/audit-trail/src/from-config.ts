import type { Logger } from '@cmcc/platform';
import type { AuditConfig } from './config.ts';
import { auditKeyFromConfig } from './signing.ts';
import { FileAuditSink, RedisAuditSink, type AuditSink } from './sinks.ts';
import { AuditTrail } from './trail.ts';

/** The sink the configuration names: the Redis stream when `REDIS_URL` is set (or AUDIT_SINK=redis), else the JSONL file. */
export function createAuditSink(config: AuditConfig, logger: Logger): AuditSink {
  return config.sink === 'redis'
    ? new RedisAuditSink(config.redisUrl!, config.redisStream, logger, config.redisStreamSet, config.redisWaitReplicas)
    : new FileAuditSink(config.dir);
}

/** The gateway's audit trail: sink, signing key (created on first use when no AUDIT_SIGNING_KEY) and buffer from config. */
export function createAuditTrail(config: AuditConfig, logger: Logger, sink: AuditSink = createAuditSink(config, logger)): AuditTrail {
  if (config.failOpen) logger.warn('AUDIT_FAIL_OPEN=true: when the audit sink cannot keep up, operations are served unaudited (each dropped event is logged as an error)');
  return new AuditTrail({
    sink,
    key: auditKeyFromConfig(config, { create: true }),
    logger,
    bufferSize: config.bufferSize,
    batchSize: config.batchSize,
    checkpointEvery: config.checkpointEvery,
    checkpointSeconds: config.checkpointSeconds,
    failOpen: config.failOpen,
  });
}

import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** How the services reach Redis: one server, a Sentinel-watched primary with replicas, or a Cluster. */
export type RedisTopology = 'standalone' | 'sentinel' | 'cluster';

/** A Redis connection setting (`REDIS_URL`, or the one built from REDIS_SENTINELS / REDIS_CLUSTER_NODES), taken apart. */
export interface RedisTarget {
  readonly topology: RedisTopology;
  /** `rediss`: TLS to every node. */
  readonly tls: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** Sentinel: the Sentinels; Cluster: the nodes to discover the cluster from; standalone: the server. */
  readonly nodes: readonly { host: string; port: number }[];
  /** Sentinel: the name of the primary the Sentinels watch. */
  readonly name: string | undefined;
  /** Sentinel: the Sentinels' own ACL user and password (`requirepass` in sentinel.conf), when they ask for one. */
  readonly sentinelUsername?: string;
  readonly sentinelPassword?: string;
}

// <scheme>+<topology>://[user[:password]@]host:port[,host:port...][/name][?sentinelUsername=...&sentinelPassword=...]
const TOPOLOGY_URL = /^(rediss?)\+(sentinel|cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#@]+)(?:\/([^/?#]*))?(?:\?([^#]*))?$/;
const SENTINEL_PARAMETERS = new Set(['sentinelUsername', 'sentinelPassword']);
const NODE = /^\[?([^\]]+?)\]?:(\d{1,5})$/;

/** Reads `host:port,host:port` (IPv6 in brackets); throws naming the entry that is not one. */
export function parseRedisNodes(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = NODE.exec(entry);
      const port = match ? Number(match[2]) : 0;
      if (!match || port < 1 || port > 65_535) throw new Error(`"${entry}" is not host:port`);
      return { host: match[1], port };
    });
}

/**
 * Takes a Redis setting apart: `redis://` or `rediss://` (one server; TLS with `rediss`; an ACL user and password in
 * the URL), `redis+sentinel://[user:password@]host:port,host:port/<primary name>` (Sentinels; the user and password are
 * the data nodes'; the Sentinels' own, when they ask for one, as `?sentinelUsername=...&sentinelPassword=...`),
 * `redis+cluster://[user:password@]host:port,host:port` (Cluster); `rediss+...` for TLS.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const topology = TOPOLOGY_URL.exec(url);
  if (topology) {
    const [, scheme, kind, user, password, nodes, name, query] = topology;
    const decoded = (value: string | undefined) => (value ? decodeURIComponent(value) : undefined);
    const parameters = new URLSearchParams(query ?? '');
    for (const key of parameters.keys()) {
      if (kind !== 'sentinel' || !SENTINEL_PARAMETERS.has(key))
        throw new Error(`${scheme}+${kind}:// takes no parameter "${key}"${kind === 'sentinel' ? ' (only sentinelUsername and sentinelPassword)' : ''}`);
    }
    const target: RedisTarget = {
      topology: kind as 'sentinel' | 'cluster',
      tls: scheme === 'rediss',
      username: decoded(user),
      password: decoded(password),
      nodes: parseRedisNodes(nodes),
      name: decoded(name),
      sentinelUsername: parameters.get('sentinelUsername') || undefined,
      sentinelPassword: parameters.get('sentinelPassword') || undefined,
    };
    if (target.nodes.length === 0) throw new Error(`${scheme}+${kind}:// needs at least one host:port`);
    if (kind === 'sentinel' && !target.name) throw new Error(`${scheme}+sentinel:// needs the primary's name after the hosts, e.g. ${scheme}+sentinel://sentinel-1:26379/cmcc`);
    return target;
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`${parsed.protocol}// is not a Redis URL`);
  return {
    topology: 'standalone',
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    nodes: [{ host: parsed.hostname, port: Number(parsed.port || 6379) }],
    name: undefined,
  };
}

/** Whether a setting is a valid Redis URL of any topology (for configuration checks). */
export function isRedisUrl(url: string): boolean {
  try {
    parseRedisUrl(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * A connection to Redis as configured, whatever the topology: the services call this, never `new Redis(url)`. The
 * options are those of one connection (ioredis'); for a Cluster the queueing, lazy-connect and retry options apply to
 * the cluster and the rest to each node. A Cluster is returned as the `Redis` it answers like: one-key commands,
 * transactions and scripts whose keys share a hash tag (see `slotPrefix`), pub/sub and streams.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.topology === 'standalone') return new Redis(url, options);
  const auth = { username: target.username, password: target.password };
  const tls = target.tls ? {} : undefined;
  if (target.topology === 'sentinel') {
    return closingFailoverWatch(
      new Redis({
        ...options,
        ...auth,
        sentinels: [...target.nodes],
        name: target.name,
        sentinelUsername: target.sentinelUsername,
        sentinelPassword: target.sentinelPassword,
        tls,
        enableTLSForSentinelMode: target.tls,
        // Follow a failover as soon as the Sentinels announce it, and treat a write refused by a demoted primary
        // (READONLY) as a reason to reconnect to the new one and send the command again (2: resend it).
        failoverDetector: true,
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      }),
    );
  }
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...nodeOptions } = options;
  const cluster = new Cluster([...target.nodes], {
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) : undefined,
    redisOptions: { ...nodeOptions, ...auth, tls },
  });
  return cluster as unknown as Redis;
}

/**
 * ioredis (5.x) leaves the Sentinel connections of its failover detector open after `quit()`, so a command-line tool
 * that quits would never exit: after `quit`, `disconnect` closes them too (harmless on a connection already ended).
 */
function closingFailoverWatch(redis: Redis): Redis {
  const quit = redis.quit.bind(redis);
  redis.quit = (async (...args: Parameters<typeof quit>) => {
    try {
      return await quit(...args);
    } finally {
      redis.disconnect();
    }
  }) as typeof redis.quit;
  return redis;
}

/** The primaries of a connection: each node of a Cluster (for commands that work node by node, such as SCAN), else the connection itself. */
export function redisPrimaries(redis: Redis): Redis[] {
  return redis instanceof Cluster ? (redis as Cluster).nodes('master') : [redis];
}

/**
 * A key prefix whose keys all hash to one Cluster slot, so that a transaction or script over several of them works:
 * on a Cluster, a prefix without a hash tag is wrapped in one (`cmcc:schema:` → `{cmcc:schema}:`); otherwise (and for a
 * prefix that has one) it is unchanged, so the keys of a standalone or Sentinel deployment keep their names.
 */
export function slotPrefix(prefix: string, url: string | undefined): string {
  if (!url || /\{[^}]+\}/.test(prefix)) return prefix;
  if (parseRedisUrl(url).topology !== 'cluster') return prefix;
  const trimmed = prefix.replace(/:$/, '');
  return `{${trimmed}}${prefix.slice(trimmed.length)}`;
}

/**
 * A Lua fragment for scripts over one stream (KEYS[1]): sets `last` to the number in one part of the stream's last
 * generated id (`<first>-<second>`; that id, not the last entry's, so entries trimmed away still count), 0 when there is
 * no stream. The audit trail numbers its entries in the first part (`<seq>-0`), the change-event streams in the second
 * (`0-<event id>`).
 */
export function streamLastIdLua(part: 'first' | 'second'): string {
  const pattern = part === 'first' ? '^(%d+)' : '%-(%d+)$';
  return `
local last = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = tonumber(string.match(info[i + 1], '${pattern}')) end
  end
end
`;
}

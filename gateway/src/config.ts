import path from 'node:path';
import { ConfigError, parseLogLevel, parsePort, type Env } from '../../subgraphs/kit/src/config.ts';

/** The gateway's settings, parsed once from the environment and frozen. */
export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** The composed supergraph the gateway serves; watched and reloaded when it changes. */
  readonly supergraphPath: string;
  /** How often the supergraph file is checked for changes, in milliseconds. */
  readonly supergraphPollMs: number;
  /** Routing URLs that replace the ones in the supergraph, by subgraph name (from `SUBGRAPH_<NAME>_URL`). */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Per-subgraph request timeout, in milliseconds. */
  readonly subgraphTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly logLevel: string;
}

function parsePositiveInt(value: string | undefined, fallback: number, variable: string, problems: string[]): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    problems.push(`${variable} must be a positive whole number, got "${value}"`);
    return fallback;
  }
  return number;
}

/** `SUBGRAPH_CIVIL_ADMINISTRATION_URL` → `civil-administration`. */
function subgraphUrlOverrides(env: Env, problems: string[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(variable);
    if (!match || !value) continue;
    try {
      new URL(value);
    } catch {
      problems.push(`${variable} must be a URL such as http://security:4003/graphql, got "${value}"`);
      continue;
    }
    urls[match[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return urls;
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const config: GatewayConfig = {
    host: env.HOST || '0.0.0.0',
    port: parsePort(env.GATEWAY_PORT, 4000, 'GATEWAY_PORT', problems),
    supergraphPath: path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql'),
    supergraphPollMs: parsePositiveInt(env.SUPERGRAPH_POLL_MS, 1000, 'SUPERGRAPH_POLL_MS', problems),
    subgraphUrls: Object.freeze(subgraphUrlOverrides(env, problems)),
    subgraphTimeoutMs: parsePositiveInt(env.SUBGRAPH_TIMEOUT_MS, 10_000, 'SUBGRAPH_TIMEOUT_MS', problems),
    maxBodyBytes: parsePositiveInt(env.MAX_BODY_BYTES, 1_000_000, 'MAX_BODY_BYTES', problems),
    logLevel: parseLogLevel(env.LOG_LEVEL, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

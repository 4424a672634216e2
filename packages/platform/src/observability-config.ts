import type { Env } from './env.ts';

/** Where traces go: OpenTelemetry over OTLP/HTTP (JSON), configured by the standard OTEL_* variables. */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  readonly tracesUrl: string;
  readonly serviceName: string;
  /** Extra headers for the collector (`OTEL_EXPORTER_OTLP_HEADERS`, `key=value,...`); never logged. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Metrics, tracing and shutdown settings every service (gateway and subgraphs) shares. */
export interface ObservabilityConfig {
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset, /metrics is open (like /ready). */
  readonly metricsToken: string | undefined;
  /** Null unless an OTLP endpoint is configured. */
  readonly tracing: TracingConfig | null;
  /** On SIGTERM, requests in flight get this long to finish before the process exits anyway. */
  readonly shutdownGraceMs: number;
}

function otlpHeaders(value: string | undefined, problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    if (!pair.trim()) continue;
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push('OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas');
      continue;
    }
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

function tracesUrl(env: Env, problems: string[]): string | undefined {
  const full = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = full || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  try {
    new URL(url);
    return url;
  } catch {
    problems.push(`${full ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} must be a URL such as http://otel-collector:4318, got "${full || base}"`);
    return undefined;
  }
}

/** Parses METRICS_TOKEN, OTEL_* and SHUTDOWN_GRACE_MS; `service` names the traces when OTEL_SERVICE_NAME is unset. */
export function parseObservabilityConfig(env: Env, problems: string[], service: string): ObservabilityConfig {
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && token.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 16)');
  const grace = env.SHUTDOWN_GRACE_MS === undefined || env.SHUTDOWN_GRACE_MS === '' ? 10_000 : Number(env.SHUTDOWN_GRACE_MS);
  if (!Number.isInteger(grace) || grace < 0 || grace > 600_000) problems.push(`SHUTDOWN_GRACE_MS must be a whole number of milliseconds from 0 to 600000, got "${env.SHUTDOWN_GRACE_MS}"`);
  const url = env.OTEL_SDK_DISABLED === 'true' ? undefined : tracesUrl(env, problems);
  const headers = otlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS, problems);
  return Object.freeze({
    metricsToken: token,
    tracing: url ? Object.freeze({ tracesUrl: url, serviceName: env.OTEL_SERVICE_NAME || service, headers: Object.freeze(headers) }) : null,
    shutdownGraceMs: Number.isInteger(grace) ? grace : 10_000,
  });
}

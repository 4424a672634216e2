import type http from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { requestIdOf } from './http.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Tracing } from './tracing.ts';

export interface ObserveOptions {
  logger: Logger;
  metrics?: ServiceMetrics;
  tracing?: Tracing | null;
  /** Paths counted by name in metrics; the rest count as `other`. */
  routes: readonly string[];
}

/**
 * Wraps a service's HTTP handler: a server span per request (continuing the caller's `traceparent`), one access log
 * line with the request id, and the request counted in /metrics. Probes (/health, /ready, /metrics) log at debug.
 */
export function observeRequests(handler: http.RequestListener, options: ObserveOptions): http.RequestListener {
  const known = new Set(options.routes);
  return (request, response) => {
    const started = performance.now();
    const pathname = (request.url ?? '/').split('?')[0];
    const route = known.has(pathname) ? pathname : 'other';
    const parent = propagation.extract(context.active(), request.headers);
    const span = options.tracing?.tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method ?? '', 'url.path': route } },
      parent,
    );
    response.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const requestId = requestIdOf(request);
      options.metrics?.observeHttp(route, request.method ?? '', response.statusCode, seconds);
      if (span) {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (requestId) span.setAttribute('cmcc.request_id', requestId);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      const probe = route === '/health' || route === '/ready' || route === '/metrics';
      options.logger[probe ? 'debug' : 'info'](
        { requestId, method: request.method, path: route, status: response.statusCode, ms: Math.round(seconds * 1000), completed: response.writableFinished },
        'request',
      );
    });
    const active = span ? trace.setSpan(parent, span) : parent;
    return context.with(active, () => handler(request, response));
  };
}

/** How the gateway's browser apps answer: the same security headers and cache rules for every page and file. */
import crypto from 'node:crypto';
import type http from 'node:http';

/** Pages change with the gateway (and carry a per-request nonce); hashed assets never change under their name. */
export const NO_STORE = 'no-store';
export const REVALIDATE = 'no-cache';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Directives every app response shares: nothing from elsewhere, no plugins, no framing, no base or form tricks. */
export const COMMON_DIRECTIVES: readonly string[] = ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"];

/**
 * Everything from the gateway itself. Styles also take the page's nonce, for a library that adds a <style> element at
 * run time; no inline script at all, no `data:` fonts or images (bundles serve them as files), no workers or frames.
 * `connect-src 'self'` covers the gateway's WebSocket (ws/wss to the same host) as well as its HTTP.
 */
export function sameOriginCsp(nonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'none'",
    "frame-src 'none'",
    ...COMMON_DIRECTIVES,
  ].join('; ');
}

export function nonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  gzip?: Buffer;
  cache: string;
  csp: string;
}

export function send(request: http.IncomingMessage, response: http.ServerResponse, reply: Reply): void {
  response.statusCode = reply.status;
  response.setHeader('content-type', reply.type);
  response.setHeader('cache-control', reply.cache);
  response.setHeader('content-security-policy', reply.csp);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cross-origin-opener-policy', 'same-origin');
  response.setHeader('cross-origin-resource-policy', 'same-origin');
  let body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  if (reply.gzip) {
    response.setHeader('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      response.setHeader('content-encoding', 'gzip');
      body = reply.gzip;
    }
  }
  response.setHeader('content-length', body.length);
  response.end(request.method === 'HEAD' ? undefined : body);
}

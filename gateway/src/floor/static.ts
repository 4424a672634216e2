/**
 * The floor as static files for another origin (`npm run floor:build -- --out <dir> --gateway <url>`): index.html and
 * assets/, calling the gateway at `<url>`. The host serves them as they are; the gateway must list the host's origin
 * in GATEWAY_CORS_ORIGINS (README, "Floor dashboard").
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildWebBundle } from '../web/bundle.ts';
import { FLOOR_APP } from './app.ts';
import { DEV_SIGN_IN_BASE } from '../auth/dev-sign-in.ts';
import { floorPage } from './page.ts';

/** The page's own policy: its files from its origin, requests (HTTP and WebSocket) to the gateway only. */
export function staticFloorCsp(gateway: URL): string {
  const socket = `${gateway.protocol === 'https:' ? 'wss:' : 'ws:'}//${gateway.host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src ${gateway.origin} ${socket}`,
    "worker-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function writeStaticFloor(options: { out: string; gateway: string }): Promise<{ files: string[] }> {
  const gateway = new URL(options.gateway);
  if (gateway.protocol !== 'https:' && gateway.protocol !== 'http:') throw new Error(`--gateway must be an http(s) URL, got ${options.gateway}`);
  const base = gateway.href.replace(/\/+$/, '');
  // The stylesheet's files sit beside it in assets/, so its references are bare names.
  const bundle = await buildWebBundle(FLOOR_APP, '');
  const out = path.resolve(options.out);
  fs.mkdirSync(path.join(out, 'assets'), { recursive: true });
  const files: string[] = [];
  for (const asset of bundle.assets.values()) {
    fs.writeFileSync(path.join(out, 'assets', asset.name), asset.body);
    files.push(`assets/${asset.name}`);
  }
  const html = floorPage({
    assets: 'assets/',
    script: bundle.script,
    stylesheet: bundle.stylesheet,
    graphql: `${base}/graphql`,
    devSignIn: `${base}${DEV_SIGN_IN_BASE}`,
    metaCsp: staticFloorCsp(gateway),
  });
  fs.writeFileSync(path.join(out, 'index.html'), html);
  files.push('index.html');
  return { files };
}

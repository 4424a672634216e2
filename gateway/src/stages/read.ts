import type { Stage } from './stage.ts';

/** Reads the request body in the HTTP layer: at most `maxBodyBytes` (GATEWAY_MAX_BODY_BYTES), HTTP 413 beyond. */
export function readStage(maxBodyBytes: number): Stage {
  return { name: 'read', does: 'reads the body, at most GATEWAY_MAX_BODY_BYTES (HTTP 413 beyond)', http: { maxBodyBytes } };
}

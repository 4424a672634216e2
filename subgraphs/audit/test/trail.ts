import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuditTrail, loadAuditConfig } from '@cmcc/audit-trail';
import type { AuditEventContent } from '@cmcc/audit-trail';
import { createLogger } from '@cmcc/subgraph-kit';
import { startTestSubgraph, type TestSubgraph } from '@cmcc/test-support/subgraph';
import { createAuditSubgraph } from '../src/server.ts';

/** The signing key of the test trails (HMAC). */
export const TEST_AUDIT_SIGNING_KEY = 'an-audit-signing-key-of-at-least-32-characters';

/**
 * The audit subgraph over a trail of known events, written by the gateway's own trail code into a temporary folder
 * `dir` (HMAC-signed checkpoints); `close` stops it and removes the folder. `env` adds to the subgraph's environment
 * (e.g. AUDIT_ALERT_*); `write` writes the trail instead of the default writer (given the folder's environment).
 */
export async function startAuditSubgraphOver(
  events: readonly AuditEventContent[],
  options: { env?: Record<string, string>; write?: (env: Record<string, string>) => Promise<void> } = {},
): Promise<{ subgraph: TestSubgraph; dir: string; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-audit-'));
  const env = { DATA_DIR: dir, AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY, ...options.env };
  if (options.write) await options.write(env);
  else {
    const trail = createAuditTrail(loadAuditConfig(env), createLogger('test', 'silent'));
    for (const event of events) trail.append(event);
    await trail.close();
  }
  const subgraph = await startTestSubgraph(createAuditSubgraph(env));
  return {
    subgraph,
    dir,
    async close() {
      await subgraph.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

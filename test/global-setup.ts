import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The variable test/support/subgraph.ts reads (TEMPLATE_DIR_ENV there).
const TEMPLATE_DIR_ENV = 'CMCC_TEST_PGLITE_TEMPLATES';

/**
 * Once per `vitest run`: a fresh folder for the run's seeded PGlite templates (see test/support/subgraph.ts), inherited
 * by every test worker through the environment, removed when the run ends. Fresh per run, so a template never outlives
 * the migrations and seed it was made from.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-pglite-templates-'));
  process.env[TEMPLATE_DIR_ENV] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSubgraphList } from '@cmcc/governance/composition';
import { makeTemplate, TEMPLATE_DIR_ENV } from '@cmcc/test-support/subgraph';
import { loadDefinition } from '@cmcc/test-support/stack';

/**
 * Once per `vitest run`: a fresh folder for the run's seeded PGlite templates (see test/support/subgraph.ts), inherited
 * by every test worker through the environment and removed when the run ends. Fresh per run, so a template never
 * outlives the migrations and seed it was made from. Every listed subgraph's template is made here, once, before the
 * first test file starts (rather than by the first stacks of both workers at once, within their hook timeouts).
 */
export default async function setup(): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-pglite-templates-'));
  process.env[TEMPLATE_DIR_ENV] = dir;
  for (const { name } of loadSubgraphList()) await makeTemplate(await loadDefinition(name));
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

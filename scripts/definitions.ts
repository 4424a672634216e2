import path from 'node:path';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import type { SubgraphDefinition } from '@cmcc/subgraph-kit';

/** Imports a subgraph's definition from `subgraphs/<name>/src/server.ts`, whatever the export is called. */
export async function loadDefinition(name: string): Promise<SubgraphDefinition<unknown>> {
  const module = (await import(path.join(PROJECT_ROOT, 'subgraphs', name, 'src', 'server.ts'))) as Record<string, unknown>;
  const definition = Object.values(module).find(
    (value): value is SubgraphDefinition<unknown> => typeof value === 'object' && value !== null && (value as { name?: string }).name === name,
  );
  if (!definition) throw new Error(`subgraphs/${name}/src/server.ts exports no SubgraphDefinition named "${name}"`);
  return definition;
}

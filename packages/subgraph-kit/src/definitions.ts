import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SubgraphDefinition } from './subgraph.ts';

/**
 * Imports a subgraph's definition from `<projectRoot>/subgraphs/<name>/src/server.ts`, whatever the export is called.
 * For the tools that serve or import any working group by name (scripts, benchmarks, test stacks).
 */
export async function loadDefinition(name: string, projectRoot: string): Promise<SubgraphDefinition<unknown>> {
  const module = (await import(path.join(projectRoot, 'subgraphs', name, 'src', 'server.ts'))) as Record<string, unknown>;
  const definition = Object.values(module).find(
    (value): value is SubgraphDefinition<unknown> => typeof value === 'object' && value !== null && (value as { name?: string }).name === name,
  );
  if (!definition) throw new Error(`subgraphs/${name}/src/server.ts exports no SubgraphDefinition named "${name}"`);
  return definition;
}

/**
 * The folder of the subgraph package whose `src/server.ts` has the URL `serverModuleUrl` (pass `import.meta.url`):
 * the definition's `root`, holding `schema.graphql` and `src/data/migrations/`.
 */
export function subgraphRoot(serverModuleUrl: string): string {
  return path.resolve(path.dirname(fileURLToPath(serverModuleUrl)), '..');
}

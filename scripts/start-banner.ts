// What `npm start` prints once everything answers: the URLs and commands a newcomer pastes first. The documentation test
// (test/documentation.test.ts) runs these same commands against a stack, so what is printed here must work as printed.
import fs from 'node:fs';
import path from 'node:path';
import { stripIgnoredCharacters } from 'graphql';
import { PROJECT_ROOT, type SubgraphEntry } from '@cmcc/governance/composition';
import { DEV_PRINCIPALS } from '@cmcc/gateway/auth/dev-keys';

/** The saved operation `npm start` suggests, and the variables it is shown with. */
export const TRY_OPERATION = Object.freeze({
  file: 'schema/operations/SituationByGovernorate.graphql',
  variables: Object.freeze({ since: '2025-10-10T00:00:00Z' }),
});

/** `text` as one shell word in single quotes (a `'` inside becomes `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The JSON body of a GraphQL request for a saved operation, on one line. Comments and layout are removed the way
 * GraphQL defines it (`stripIgnoredCharacters`), so a leading `# comment` cannot swallow the rest of the operation.
 */
export function requestBody(operation: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query: stripIgnoredCharacters(operation), variables });
}

/** The principal of the token `npm start` prints: the operations floor's dashboard. */
export const START_TOKEN_CLAIMS = DEV_PRINCIPALS['operations-dashboard'];

export function startBanner(options: { gatewayPort: string | number; subgraphs: Pick<SubgraphEntry, 'name' | 'port'>[]; token: string }): string {
  const { gatewayPort, subgraphs, token } = options;
  const operation = fs.readFileSync(path.join(PROJECT_ROOT, TRY_OPERATION.file), 'utf8');
  return `
CMCC Supergraph is running.
  Gateway:   http://localhost:${gatewayPort}/graphql
  Explorer:  http://localhost:${gatewayPort}/   (paste the token below into its token field)
  Subgraphs: ${subgraphs.map((s) => `${s.name} :${s.port}`).join(', ')}
  Health:    http://localhost:${gatewayPort}/health   Ready: http://localhost:${gatewayPort}/ready

Try the dashboard query (${TRY_OPERATION.file}):

  curl -s http://localhost:${gatewayPort}/graphql -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' \\
    -d ${shellQuote(requestBody(operation, TRY_OPERATION.variables))}

The token above is a development token (8 hours) for a dashboard; make others with
  npm run -s token -- --role member --nation GBR --org CMCC --clearance RESTRICTED
  npm run -s token -- --as ocha-officer

Press Ctrl-C to stop everything.
`;
}

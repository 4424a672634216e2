import { runSubgraph } from '@cmcc/subgraph-kit';
import { civilAdministration } from './server.ts';

await runSubgraph(civilAdministration);

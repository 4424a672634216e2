import { runSubgraph } from '@cmcc/subgraph-kit';
import { multinationalForce } from './server.ts';

await runSubgraph(multinationalForce);

import { runSubgraph } from '@cmcc/subgraph-kit';
import { coordination } from './server.ts';

await runSubgraph(coordination);

import { runSubgraph } from '@cmcc/subgraph-kit';
import { humanitarian } from './server.ts';

await runSubgraph(humanitarian);

import { runSubgraph } from '@cmcc/subgraph-kit';
import { engineering } from './server.ts';

await runSubgraph(engineering);

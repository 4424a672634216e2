import { runSubgraph } from '@cmcc/subgraph-kit';
import { security } from './server.ts';

await runSubgraph(security);

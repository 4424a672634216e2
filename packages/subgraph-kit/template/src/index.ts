import { runSubgraph } from '@cmcc/subgraph-kit';
import { sampleGroup } from './server.ts';

await runSubgraph(sampleGroup);

import { runSubgraph } from '@cmcc/subgraph-kit';
import { intelligence } from './server.ts';

await runSubgraph(intelligence);

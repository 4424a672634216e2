import { runSubgraph } from '../../kit/src/index.ts';
import { intelligence } from './server.ts';

await runSubgraph(intelligence);

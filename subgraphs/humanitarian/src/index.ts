import { runSubgraph } from '../../kit/src/index.ts';
import { humanitarian } from './server.ts';

await runSubgraph(humanitarian);

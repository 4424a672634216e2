import { runSubgraph } from '../../kit/src/index.ts';
import { engineering } from './server.ts';

await runSubgraph(engineering);

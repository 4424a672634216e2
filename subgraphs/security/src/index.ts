import { runSubgraph } from '../../kit/src/index.ts';
import { security } from './server.ts';

await runSubgraph(security);

import { runSubgraph } from '../../kit/src/index.ts';
import { multinationalForce } from './server.ts';

await runSubgraph(multinationalForce);

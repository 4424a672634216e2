import { runSubgraph } from '../../kit/src/index.ts';
import { civilAdministration } from './server.ts';

await runSubgraph(civilAdministration);

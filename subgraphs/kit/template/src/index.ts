import { runSubgraph } from '../../src/index.ts';
import { sampleGroup } from './server.ts';

await runSubgraph(sampleGroup);

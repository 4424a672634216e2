import { installResultShaping, resultsShaped } from '../execution/result-shaping.ts';
import type { Stage } from './stage.ts';

/**
 * Turns the subgraphs' merged data into the answer to the client's operation (only its fields, under its aliases, nulls
 * propagated), with the gateway's own result shaping (gateway/src/execution/result-shaping.ts) installed in
 * @apollo/gateway's executor through gateway/src/apollo-internals.ts. `shaped()` counts the results it shaped.
 */
export function shapeStage(): Stage & { shaped(): number } {
  installResultShaping();
  return { name: 'shape', does: "shapes the merged subgraph data into the answer (the gateway's own computeResponse)", shaped: resultsShaped };
}

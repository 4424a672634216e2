// `npm run bench -- shaping`: result shaping (the last step of executing a query plan) by @apollo/gateway's own
// computeResponse and by this gateway's (gateway/src/execution/result-shaping.ts), on the saved dashboard operations
// with generated merged subgraph data of dashboard size (test/support/subgraph-data.ts, seeded). In-process, one call
// at a time, interleaved rounds; prints the median time per call and the ratio.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'graphql';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { PROJECT_ROOT } from '@cmcc/governance/composition';
import { apolloComputeResponse, computeResponse, type ComputeResponseArgs } from '@cmcc/gateway/execution/result-shaping';
import { generateSubgraphData, random } from '@cmcc/test-support/subgraph-data';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchShaping(operations: string[], iterations: number): Promise<void> {
  const apollo = apolloComputeResponse();
  if (!apollo) throw new Error('@apollo/gateway has no dist/resultShaping.js computeResponse to compare with');
  const supergraph = Supergraph.build(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql'), 'utf8'), { supportedFeatures: null });
  const apiSchema = supergraph.apiSchema();
  console.log(`Result shaping: @apollo/gateway's computeResponse and this gateway's, ${iterations} calls a round, 5 interleaved rounds, median per call`);
  for (const name of operations) {
    const operation = operationFromDocument(apiSchema, parse(fs.readFileSync(path.join(PROJECT_ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8')), { validate: false });
    const root = apiSchema.schemaDefinition.rootType(operation.rootKind)!;
    const input = generateSubgraphData(operation.selectionSet, root, random(7), { maxListLength: 12, nulls: 0 });
    const args: ComputeResponseArgs = { operation, variables: { since: '2025-10-10T00:00:00Z' }, input, introspectionHandling: () => null };
    const ours = computeResponse(args);
    const theirs = apollo(args);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`${name}: the two result shapings disagree`);
    const answerBytes = Buffer.byteLength(JSON.stringify(ours.data));
    const time = (shape: typeof computeResponse) => {
      const start = performance.now();
      for (let i = 0; i < iterations; i++) shape(args);
      return (performance.now() - start) / iterations;
    };
    time(apollo);
    time(computeResponse);
    const apolloTimes: number[] = [];
    const ourTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
      apolloTimes.push(time(apollo));
      ourTimes.push(time(computeResponse));
    }
    const a = median(apolloTimes);
    const o = median(ourTimes);
    console.log(`  ${name.padEnd(26)} answer ${String(answerBytes).padStart(7)} bytes  Apollo ${a.toFixed(3)} ms  this gateway ${o.toFixed(3)} ms  ${(a / o).toFixed(1)}× faster`);
  }
  console.log('');
}

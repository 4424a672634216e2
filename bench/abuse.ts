// `npm run bench -- abuse`: how fast the gateway refuses a query shaped to exhaust it. One workload, "fragment bomb":
// fragments that each spread the next 4 times, 10 deep (4^10 fields once written out, a few hundred bytes as sent),
// posted over HTTP to a gateway alone (test/support/gateway.ts: no subgraph is ever called). Prints the median and the
// slowest wall time of the refusals and fails when the median reaches 100 ms.
import { performance } from 'node:perf_hooks';
import { fragmentBomb } from '@cmcc/test-support/abuse';
import { startLoneGateway } from '@cmcc/test-support/gateway';

const LIMIT_MS = 100;

export async function benchAbuse(requests: number): Promise<void> {
  const gateway = await startLoneGateway();
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await gateway.token()}` };
    const body = JSON.stringify({ query: fragmentBomb(10, 4) });
    const refuse = async () => {
      const start = performance.now();
      const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers, body });
      const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      const ms = performance.now() - start;
      const code = answer.errors?.[0]?.extensions?.code;
      if (code !== 'OPERATION_LIMIT_EXCEEDED') throw new Error(`fragment bomb: expected OPERATION_LIMIT_EXCEEDED, got HTTP ${response.status} ${code}`);
      return ms;
    };
    await refuse(); // warm-up: the first request compiles the gateway's paths
    const times: number[] = [];
    for (let i = 0; i < requests; i++) times.push(await refuse());
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`Abuse: query shapes refused before any work grows with them, ${requests} requests over HTTP`);
    console.log(
      `  fragment bomb (depth 10, fan-out 4, ${body.length} bytes)  refused in median ${median.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms (limit ${LIMIT_MS} ms)`,
    );
    console.log('');
    if (median >= LIMIT_MS) throw new Error(`fragment bomb: refused in ${median.toFixed(1)} ms, not under ${LIMIT_MS} ms`);
  } finally {
    await gateway.close();
  }
}

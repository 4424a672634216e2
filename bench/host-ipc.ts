// The side of the IPC protocol every benchmark host process (bench/subgraph-host.ts, bench/foreign-host.ts) shares with
// bench/gateways.ts: `counts` is answered with `{ requests }`; after `record` the interval ([start, end], epoch
// milliseconds) of each request served is kept, and `intervals` hands them over and stops recording.
import type http from 'node:http';
import { performance } from 'node:perf_hooks';

/** Starts answering the IPC messages; returns the function that counts (and, while recording, times) one request. */
export function recordRequests(): (response: http.ServerResponse) => void {
  const now = () => performance.timeOrigin + performance.now();
  let requests = 0;
  let intervals: [number, number][] | null = null;
  process.on('message', (message) => {
    if (message === 'counts') process.send!({ requests });
    if (message === 'record') {
      intervals = [];
      process.send!({ recording: true });
    }
    if (message === 'intervals') {
      process.send!({ intervals: intervals ?? [] });
      intervals = null;
    }
  });
  return (response) => {
    requests++;
    const start = now();
    const recording = intervals;
    if (recording) response.once('finish', () => recording.push([start, now()]));
  };
}

// Reads a text/event-stream body (a subgraph's GET /events) frame by frame.
import type { ChangeEvent } from '@cmcc/contracts';

export type SseFrame = { kind: 'event'; event: ChangeEvent } | { kind: 'comment'; text: string };

export async function* readEventStream(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<SseFrame> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
        if (data.length > 0) yield { kind: 'event', event: JSON.parse(data.join('\n')) as ChangeEvent };
        else for (const line of lines) if (line.startsWith(':')) yield { kind: 'comment', text: line.slice(1).trim() };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { close, listen } from '@cmcc/platform';

/** A raw connection to `url`'s port, resolved once connected; `closed` settles when the server drops it. */
async function connect(url: string): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, closed };
}

describe('close(server)', () => {
  // A client that connects and never sends a request (an aborted fetch) held the server until Node's headersTimeout,
  // 60 s: every test stack that had served a live subscription took a minute to stop.
  it('closes a connection that never sent a request, instead of waiting for Node to time it out', async () => {
    const { server, url } = await listen((_request, response) => response.end('ok'), 0);
    const { socket, closed } = await connect(url);
    await close(server, 100);
    await closed;
    expect(socket.destroyed).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('lets a request in flight finish before the connection closes', async () => {
    let finish!: () => void;
    const { server, url } = await listen((_request, response) => {
      finish = () => response.end('done');
    }, 0);
    const answer = fetch(url).then((response) => response.text());
    await expect.poll(() => typeof finish).toBe('function');
    const closing = close(server, 5000);
    finish();
    expect(await answer).toBe('done');
    await closing;
    expect(server.listening).toBe(false);
  });
});

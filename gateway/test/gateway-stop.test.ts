// What a gateway's stop() releases: its change-event feed (issue 17), the upstream stream to a subgraph's /events or
// the reading of Redis streams, and every iteration of it, even one still waiting for the feed's reader to start (such an
// iteration once waited for ever, holding its subscriber).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { close, createLogger, listen } from '@cmcc/platform';
import { redisAvailable, TEST_REDIS_URL } from '@cmcc/test-support/services';
import { loadGatewayConfig } from '../src/config.ts';
import { createGateway } from '../src/server.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-gateway-stop-'));
const withRedis = await redisAvailable();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('stopping the gateway', () => {
  it("ends the event stream its own feed opened to a subgraph's /events", async () => {
    // A stand-in humanitarian subgraph that serves /events as a stream that stays open, and notes when it is dropped.
    const streams = { opened: 0, closed: 0 };
    const subgraph = await listen((request: http.IncomingMessage, response: http.ServerResponse) => {
      if (!request.url?.startsWith('/events')) return void response.writeHead(404).end();
      streams.opened++;
      request.on('close', () => streams.closed++);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // As the kit's event stream opens: a comment naming the position the stream starts after.
      response.write(': humanitarian events after 0\n\n');
    }, 0);
    try {
      const config = loadGatewayConfig({
        DATA_DIR: dir,
        SUBGRAPH_SHARED_SECRET: 'gateway-stop-test-secret-of-32-characters',
        SUBGRAPH_HUMANITARIAN_URL: `${subgraph.url}/graphql`,
      });
      const gateway = await createGateway(config, createLogger('gateway', 'silent'));
      const subscriber = new AbortController();
      const events = gateway.feed.subscribe('humanitarian', null, subscriber.signal)[Symbol.asyncIterator]();
      const ended = events.next();
      await expect.poll(() => streams.opened).toBe(1);
      expect(streams.closed).toBe(0);

      await gateway.stop();
      // The subscriber never left: only the gateway's stop can have ended the stream, and its iteration with it.
      await expect.poll(() => streams.closed).toBe(1);
      expect(await ended).toMatchObject({ done: true });
      subscriber.abort();
    } finally {
      await close(subgraph.server);
    }
  });

  it.skipIf(!withRedis)('ends the reading of Redis streams its own feed started (REDIS_URL), and the subscriptions reading it', async () => {
    const config = loadGatewayConfig({ DATA_DIR: dir, SUBGRAPH_SHARED_SECRET: 'gateway-stop-test-secret-of-32-characters', REDIS_URL: TEST_REDIS_URL });
    const gateway = await createGateway(config, createLogger('gateway', 'silent'));
    const subscriber = new AbortController();
    const events = gateway.feed.subscribe('humanitarian', null, subscriber.signal)[Symbol.asyncIterator]();
    const ended = events.next();
    await gateway.stop();
    // The subscriber never left: only the gateway's stop can have ended its iteration (a blocking read held it open).
    expect(await ended).toMatchObject({ done: true });
    subscriber.abort();
  });
});

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NESTING, nestingDepth } from '@cmcc/platform';
import { ANALYST_CLAIMS, startStack, type TestStack } from '@cmcc/test-support/stack';
import { random } from '@cmcc/test-support/random';

/** Malformed, oversized and hostile requests to the gateway: each gets a clear 4xx or GraphQL error, never a crash. */

let stack: TestStack;
let authorization: string;
beforeAll(async () => {
  stack = await startStack();
  authorization = `Bearer ${await stack.token(ANALYST_CLAIMS)}`;
}, 60_000);
afterAll(() => stack?.close());

interface Answer {
  status: number;
  body: any;
}

/** Sends raw bytes with node:http, so the test controls every byte and header (fetch would fix some up). */
function send(body: Buffer | string | null, headers: Record<string, string> = {}, { method = 'POST', path = '/graphql', chunked = false } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(stack.gatewayUrl);
    const bytes = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { authorization, 'content-type': 'application/json', ...(bytes && !chunked ? { 'content-length': String(bytes.length) } : {}), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE' ? resolve({ status: 0, body: null }) : reject(error),
    );
    if (bytes && chunked) {
      for (let i = 0; i < bytes.length; i += 65_536) request.write(bytes.subarray(i, i + 65_536));
    } else if (bytes) request.write(bytes);
    request.end();
  });
}

const code = (answer: Answer) => answer.body?.errors?.[0]?.extensions?.code;
const json = (value: unknown) => JSON.stringify(value);

async function stillServes(): Promise<void> {
  const { status, data } = await stack.query('{ areas(level: GOVERNORATE) { pcode } }');
  expect(status).toBe(200);
  expect(data.areas).toHaveLength(5);
}

describe('bad input', () => {
  it('malformed JSON and an empty body: 400 BAD_REQUEST with a message saying what is wrong', async () => {
    const malformed = await send('{"query": "{ areas { pcode } }"');
    expect(malformed.status).toBe(400);
    expect(code(malformed)).toBe('BAD_REQUEST');
    expect(malformed.body.errors[0].message).toMatch(/not valid JSON/);
    const empty = await send('');
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].message).toMatch(/empty/);
  });

  it('an oversized body: 413, whether it declares its length or streams it chunked', async () => {
    const big = json({ query: `{ __typename }`, variables: { padding: 'x'.repeat(1_100_000) } });
    const declared = await send(big);
    expect(declared.status).toBe(413);
    expect(code(declared)).toBe('PAYLOAD_TOO_LARGE');
    const streamed = await send(big, {}, { chunked: true });
    // The server answers 413 and stops reading; the client may see the answer or the closed connection.
    expect([413, 0]).toContain(streamed.status);
    await stillServes();
  });

  it("nesting that would exhaust the parser's stack, in the query or in the JSON: 400, before any parsing", async () => {
    const deepQuery = await send(json({ query: `{${'areas{'.repeat(3000)}pcode${'}'.repeat(3001)}` }));
    expect(deepQuery.status).toBe(400);
    expect(deepQuery.body.errors[0].message).toMatch(`more than ${MAX_NESTING} levels`);
    const deepJson = await send(`{"query":"{ __typename }","variables":{"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`);
    expect(deepJson.status).toBe(400);
    expect(deepJson.body.errors[0].message).toMatch(/request body nests more than/);
    const deepGet = await send(null, {}, { method: 'GET', path: `/graphql?query=${encodeURIComponent(`{${'a{'.repeat(200)}b${'}'.repeat(201)}`)}` });
    expect(deepGet.status).toBe(400);
    await stillServes();
  });

  it('bytes that are not UTF-8: 400', async () => {
    const answer = await send(Buffer.concat([Buffer.from('{"query":"{ areas(level: GOVERNORATE) { pcode } }","x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].message).toMatch(/UTF-8/);
  });

  it('a variable of the wrong type: 400 BAD_USER_INPUT naming the variable', async () => {
    const answer = await send(json({ query: 'query($level: OperationalLevel) { areas(level: $level) { pcode } }', variables: { level: 42 } }));
    expect(answer.status).toBe(400);
    expect(code(answer)).toBe('BAD_USER_INPUT');
    expect(answer.body.errors[0].message).toMatch(/\$level/);
  });

  it('a document of tens of thousands of tokens (e.g. thousands of aliases): GRAPHQL_PARSE_FAILED', async () => {
    const aliases = Array.from({ length: 8000 }, (_, i) => `a${i}: __typename`).join(' ');
    const answer = await send(json({ query: `{ ${aliases} }` }));
    expect(answer.status).toBe(400);
    expect(code(answer)).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.body.errors[0].message).toMatch(/tokens/);
  });

  it('a batched array of operations: 400 (batching is off)', async () => {
    const answer = await send(json([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/batch/i);
  });

  it('content types other than JSON: 4xx', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const answer = await send('query={__typename}', { 'content-type': type });
      expect(answer.status, type).toBeGreaterThanOrEqual(400);
      expect(answer.status, type).toBeLessThan(500);
    }
  });
});

describe('nestingDepth', () => {
  it('counts brackets outside strings and comments only', () => {
    expect(nestingDepth('{ a { b(x: [1, [2]]) } }')).toBe(5);
    expect(nestingDepth('{ a(s: "{{{{[[[") }')).toBe(2);
    expect(nestingDepth('{ a # {{{{\n }', { comments: true })).toBe(1);
    expect(nestingDepth('"\\"{{{"')).toBe(0);
  });
});

const VALID = 'query Situation($since: DateTime) { areas(level: GOVERNORATE) { pcode name incidents(since: $since) { id } } }';
const PIECES = ['{', '}', '(', ')', '[', ']', '"', '\\', ':', '$', '...', 'fragment', 'on', '@include', '#', '\n', '\u0000', '\uffff', 'mutation', '__schema', ' '];

function mutateText(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    if (kind < 0.4) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + out.slice(at);
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)].repeat(1 + Math.floor(next() * 200)) + out.slice(at);
  }
  return out;
}

function fuzzCase(next: () => number): { body: Buffer; headers: Record<string, string> } {
  const choice = Math.floor(next() * 7);
  const headers: Record<string, string> = {};
  let body: Buffer;
  switch (choice) {
    case 0: // random bytes
      body = Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
      break;
    case 1: // valid request, truncated
      body = Buffer.from(json({ query: VALID, variables: { since: '2025-10-10T00:00:00Z' } }).slice(0, Math.floor(next() * 120)));
      break;
    case 2: // a mutated query
      body = Buffer.from(json({ query: mutateText(VALID, next) }));
      break;
    case 3: // odd variables
      body = Buffer.from(json({ query: VALID, variables: [null, 42, 'x', [], { since: 12 }, { since: { deep: [1, [2, [3]]] } }][Math.floor(next() * 6)] }));
      break;
    case 4: // odd top-level JSON
      body = Buffer.from(
        [
          `null`,
          `42`,
          `"query"`,
          `[]`,
          `[{}]`,
          `{"query":42}`,
          `{"query":null}`,
          `{"operationName":{}}`,
          `{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`,
        ][Math.floor(next() * 9)],
      );
      break;
    case 5: // a valid query with a strange content type
      headers['content-type'] = ['text/plain', 'application/graphql', '', 'application/json; charset=latin1', 'application/jsonx'][Math.floor(next() * 5)];
      body = Buffer.from(json({ query: '{ __typename }' }));
      break;
    default: // deep or wide brackets
      body = Buffer.from(json({ query: `{${'a{'.repeat(Math.floor(next() * 5000))}` }));
  }
  return { body, headers };
}

describe('fuzzing the gateway with generated malformed requests', () => {
  it('answers each of 300 seeded malformed requests with a 4xx or a GraphQL error, never a 5xx, and still serves a normal query after', async () => {
    const next = random(0xc3cc);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const { body, headers } = fuzzCase(next);
      const answer = await send(body, headers);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500 || answer.status === 0)
        throw new Error(`case ${i} (seed 0xc3cc) got ${answer.status}: ${body.toString('utf8').slice(0, 200)} → ${JSON.stringify(answer.body).slice(0, 300)}`);
      if (answer.status === 200) expect(answer.body.errors ?? answer.body.data).toBeDefined();
    }
    expect([...statuses.keys()].every((status) => status === 200 || (status >= 400 && status < 500))).toBe(true);
    expect(stack.logs.some((line) => line.includes('"request failed"'))).toBe(false);
    await stillServes();
  });
});

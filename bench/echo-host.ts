// A benchmark child process: the cheapest possible HTTP peer, for the network floor of the gateway overhead. Answers
// every POST, once its body has arrived, with a JSON body of the size the `x-bench-answer-bytes` header asks for
// (built once per size). Sends `{ url }` over IPC when it listens.
import http from 'node:http';

const answers = new Map<number, Buffer>();
function answer(bytes: number): Buffer {
  let body = answers.get(bytes);
  if (!body) answers.set(bytes, (body = Buffer.from(JSON.stringify({ data: { filler: 'x'.repeat(Math.max(0, bytes - 22)) } }))));
  return body;
}

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const body = answer(Math.min(Number(request.headers['x-bench-answer-bytes'] ?? 0) || 0, 50 * 1024 * 1024));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ url: `http://127.0.0.1:${port}/` });
});

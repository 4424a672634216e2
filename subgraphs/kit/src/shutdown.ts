import type http from 'node:http';

/**
 * Graceful shutdown for an HTTP service. While draining, requests already running finish; a new request (on a
 * connection that was already open) is answered 503 with `connection: close`, and /ready answers 503, so a load
 * balancer stops sending. New connections are refused once the server stops listening.
 */
export class RequestDrain {
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | null = null;

  get isDraining(): boolean {
    return this.draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  wrap(handler: http.RequestListener): http.RequestListener {
    return (request, response) => {
      if (this.draining) {
        response.statusCode = 503;
        response.setHeader('connection', 'close');
        response.setHeader('retry-after', '1');
        response.setHeader('content-type', 'application/json; charset=utf-8');
        const ready = (request.url ?? '').startsWith('/ready');
        response.end(JSON.stringify(ready ? { status: 'draining' } : { errors: [{ message: 'This instance is shutting down; send the request again (another instance will answer it)', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }));
        return;
      }
      this.inFlight++;
      response.once('close', () => {
        this.inFlight--;
        if (this.inFlight === 0) this.idle?.();
      });
      return handler(request, response);
    };
  }

  /**
   * Stops listening and waits for the requests in flight, at most `graceMs`; then closes every connection.
   * Resolves true when every request finished in time.
   */
  async drain(server: http.Server, graceMs: number): Promise<boolean> {
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    const finished = await new Promise<boolean>((resolve) => {
      if (this.inFlight === 0) return resolve(true);
      const timer = setTimeout(() => resolve(false), graceMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    server.closeAllConnections();
    return finished;
  }
}

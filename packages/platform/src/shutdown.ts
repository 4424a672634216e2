import type http from 'node:http';

/**
 * Graceful shutdown for an HTTP service. While draining, requests already running finish; every new request is
 * answered 503 with `connection: close` (a clear refusal a client or proxy can retry elsewhere) and /ready answers 503,
 * so a load balancer stops sending. Once the last request finished (or the grace period is over) the server stops
 * listening and closes every connection.
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
        response.end(
          JSON.stringify(
            ready
              ? { status: 'draining' }
              : { errors: [{ message: 'This instance is shutting down; send the request again (another instance will answer it)', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
          ),
        );
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
   * Refuses new requests and waits for those in flight, at most `graceMs`; then stops listening and closes every
   * connection. Resolves true when every request finished in time.
   */
  async drain(server: http.Server, graceMs: number): Promise<boolean> {
    this.draining = true;
    const finished = await new Promise<boolean>((resolve) => {
      if (this.inFlight === 0) return resolve(true);
      const timer = setTimeout(() => resolve(false), graceMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    server.close();
    server.closeAllConnections();
    return finished;
  }
}

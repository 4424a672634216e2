export interface RetryBudgetOptions {
  /** Retries may be at most this percent of the requests in the window. */
  percent: number;
  /** Retries always allowed per window. */
  minPerWindow: number;
  windowMs: number;
  now?: () => number;
}

const SLOTS = 10;

/**
 * Bounds retries to a share of recent traffic, so that when a subgraph is failing the gateway does not multiply the
 * load on it (a retry storm) exactly when it can least take it. Counts requests and retries in a sliding window of
 * `SLOTS` time slots.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(SLOTS).fill(0);
  private readonly retries = new Array<number>(SLOTS).fill(0);
  private readonly slotStart = new Array<number>(SLOTS).fill(0);
  private readonly slotMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.slotMs = Math.max(1, Math.floor(options.windowMs / SLOTS));
    this.now = options.now ?? Date.now;
  }

  /** Counts a first attempt (not a retry). */
  recordRequest(): void {
    this.requests[this.slot()]++;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  tryRetry(): boolean {
    const slot = this.slot();
    const { requests, retries } = this.totals();
    const allowed = Math.max(this.options.minPerWindow, Math.floor((requests * this.options.percent) / 100));
    if (retries >= allowed) return false;
    this.retries[slot]++;
    return true;
  }

  private totals(): { requests: number; retries: number } {
    const oldest = this.now() - this.options.windowMs;
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < SLOTS; i++) {
      if (this.slotStart[i] + this.slotMs <= oldest) continue;
      requests += this.requests[i];
      retries += this.retries[i];
    }
    return { requests, retries };
  }

  private slot(): number {
    const start = Math.floor(this.now() / this.slotMs) * this.slotMs;
    const index = Math.floor(start / this.slotMs) % SLOTS;
    if (this.slotStart[index] !== start) {
      this.slotStart[index] = start;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    return index;
  }
}

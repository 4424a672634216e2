import { vi } from 'vitest';

/**
 * Probes until `accept` holds (a reload, a reconnect, an exported span), with `vi.waitFor`. Returns the accepted value,
 * or after `timeoutMs` the last one probed, for the test's own expectation to name what it saw instead. An error thrown
 * by the probe is tried again, and thrown if it is still the outcome at the end.
 */
export async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  let last: { value: T } | undefined;
  try {
    return await vi.waitFor(
      async () => {
        last = undefined;
        const value = await probe();
        last = { value };
        if (!accept(value)) throw new Error('not yet');
        return value;
      },
      { timeout: timeoutMs, interval: intervalMs },
    );
  } catch (error) {
    if (last) return last.value;
    throw error;
  }
}

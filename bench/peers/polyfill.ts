// Hive Gateway uses Promise.withResolvers (Node 22); Node 20 lacks it. Loaded with --import before the gateway.
const promise = Promise as unknown as { withResolvers?: () => unknown };
promise.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const created = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise: created, resolve, reject };
};

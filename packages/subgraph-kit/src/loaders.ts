import DataLoader from 'dataloader';

/** Orders one batch query's rows by the requested keys; a missing key resolves to `null`. */
export function oneByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const byKey = new Map<K, R>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups one batch query's rows by the requested keys, keeping the query's order within each group. */
export function manyByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const byKey = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) byKey.get(keyOf(row))?.push(row);
  return keys.map((key) => byKey.get(key) ?? []);
}

/**
 * A family of loaders for a relation with arguments (e.g. `incidents(since:)`): one DataLoader per distinct
 * argument set, so every parent asking with the same arguments shares one batch and one query.
 */
export function loaderFamily<A, K, V>(create: (args: A) => DataLoader<K, V>): (args: A) => DataLoader<K, V> {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (args) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) {
      loader = create(args);
      loaders.set(key, loader);
    }
    return loader;
  };
}

export { DataLoader };

/**
 * Puts every record of `pages` into the by-id loader, so a record listed (and so released to the viewer) is not read
 * again when something refers to it by id; returns `pages`, for a list loader to answer with.
 */
export function primeById<V extends { id: string }>(byId: { prime(key: string, value: NoInfer<V>): unknown }, pages: V[][]): V[][] {
  for (const record of pages.flat()) byId.prime(record.id, record);
  return pages;
}

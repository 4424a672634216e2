import type { Database, Queryable } from './db.ts';
import type { AccessMarking } from './marking.ts';

/** A deterministic pseudo-random generator (mulberry32): the same seed gives the same synthetic data on every machine. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1][0];
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/**
 * A realistic mix of markings for synthetic records: mostly UNCLASSIFIED / TLP:GREEN releasable to CMCC,
 * some AMBER, a few RESTRICTED, CONFIDENTIAL and SECRET, and a few TLP:RED with named recipients.
 */
export function syntheticMarking(random: SeededRandom, originator: string): AccessMarking {
  const profile = random.weighted([
    ['open', 60],
    ['amber', 15],
    ['restricted', 10],
    ['confidential', 6],
    ['secret', 5],
    ['red', 4],
  ] as const);
  switch (profile) {
    case 'open':
      return marking('UNCLASSIFIED', random.chance(0.3) ? 'CLEAR' : 'GREEN', ['CMCC'], originator);
    case 'amber':
      return marking('UNCLASSIFIED', random.chance(0.8) ? 'AMBER' : 'AMBER_STRICT', random.pick([['UN'], ['CMCC'], ['USA', 'GBR']]), originator);
    case 'restricted':
      return marking('RESTRICTED', 'AMBER', random.pick([['NATO'], ['CMCC'], ['FVEY']]), originator);
    case 'confidential':
      return marking('CONFIDENTIAL', 'AMBER', random.pick([['FVEY'], ['USA', 'GBR', 'ISR'], ['NATO']]), originator);
    case 'secret':
      return marking('SECRET', 'RED', random.pick([['FVEY'], ['USA']]), originator, ['USA'], ['NOFORN'].slice(0, random.int(0, 1)));
    case 'red':
      return marking('CONFIDENTIAL', 'RED', ['USA', 'GBR'], originator, random.pick([['USA'], ['GBR', 'USA'], ['CMCC-J2']]));
  }
}

function marking(
  classification: AccessMarking['classification'],
  tlp: AccessMarking['tlp'],
  releasableTo: string[],
  originator: string,
  recipients: string[] = [],
  caveats: string[] = [],
): AccessMarking {
  return { classification, tlp, releasableTo, originator, recipients, caveats };
}

/** The marking of public, real figures (published by their source). */
export function publicMarking(originator: string): AccessMarking {
  return marking('UNCLASSIFIED', 'CLEAR', ['CMCC'], originator);
}

/**
 * Inserts rows in chunks of multi-row statements; rows whose primary key exists are left untouched, so running a
 * seed again neither duplicates nor changes anything.
 */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  chunkSize = 500,
): Promise<void> {
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new Error(`${table}: row has ${row.length} values for ${columns.length} columns`);
      return `(${row.map((value) => `$${params.push(value)}`).join(', ')})`;
    });
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, params);
  }
}

/** Adds `days` (may be fractional) to an ISO instant. */
export function addDays(start: Date, days: number): Date {
  return new Date(start.getTime() + days * 86_400_000);
}

/**
 * Runs a seed once per database, in one transaction: a restart finds it recorded and changes nothing, and a seed
 * that fails midway leaves nothing behind. Bump `name` (e.g. `synthetic-v2`) to seed a new version.
 */
export async function seedOnce(db: Database, name: string, write: (tx: Queryable) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`seed:${db.schema}`]);
    const done = await tx.query('SELECT 1 FROM seed_state WHERE name = $1', [name]);
    if (done.length > 0) return false;
    await write(tx);
    await tx.query('INSERT INTO seed_state (name) VALUES ($1)', [name]);
    return true;
  });
}

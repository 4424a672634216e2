import type { Database, Queryable } from './db.ts';
import { markingToRow, type AccessMarking } from '@cmcc/contracts';

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

/** A nation originates by its ISO 3166 alpha-3 code; anything else (an IATI org id, `CMCC`, a UN body) is an organisation. */
const isNation = (originator: string) => /^[A-Z]{3}$/.test(originator);

/**
 * A realistic mix of markings for synthetic records that fits the originator (releasability rule v2): an organisation
 * (UN agency, NGO, the CMCC itself) originates UNCLASSIFIED records under TLP, mostly CLEAR/GREEN for CMCC
 * participants, some AMBER, AMBER+STRICT or RED for named organisations and people; a nation originates classified
 * ones (RESTRICTED to SECRET) released to nations and groups, a few RED for named people, some NOFORN. The random draws
 * are the same whatever the originator, so the facts generated around a marking do not depend on it.
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
  return isNation(originator) ? nationMarking(random, profile, originator) : organizationMarking(random, profile, originator);
}

type Profile = 'open' | 'amber' | 'restricted' | 'confidential' | 'secret' | 'red';

/** OCHA, WFP and the CMCC's humanitarian coordination lead: who organisations name in AMBER+STRICT and RED markings. */
const OCHA = 'XM-DAC-41127';
const WFP = 'XM-DAC-41140';
const NAMED_PEOPLE = ['cmcc-hum-lead', 'cmcc-j2-watch'];

function organizationMarking(random: SeededRandom, profile: Profile, originator: string): AccessMarking {
  switch (profile) {
    case 'open':
      return seedMarking('UNCLASSIFIED', random.chance(0.3) ? 'CLEAR' : 'GREEN', ['CMCC'], originator);
    case 'amber': {
      const strict = !random.chance(0.8);
      const releasableTo = random.pick([['UN'], ['CMCC'], ['USA', 'GBR']]);
      return strict ? seedMarking('UNCLASSIFIED', 'AMBER_STRICT', ['UN'], originator, [OCHA]) : seedMarking('UNCLASSIFIED', 'AMBER', releasableTo, originator);
    }
    // Shared with the coordination's military side: nations and groups count under TLP:AMBER.
    case 'restricted':
      return seedMarking('UNCLASSIFIED', 'AMBER', random.pick([['CMCC'], ['UN', 'USA', 'GBR'], ['FVEY', 'UN']]), originator);
    case 'confidential':
      return seedMarking('UNCLASSIFIED', 'AMBER', random.pick([['FVEY'], ['USA', 'GBR', 'ISR'], ['NATO']]), originator);
    case 'secret': {
      const releasableTo = random.pick([['FVEY'], ['USA']]);
      return seedMarking('UNCLASSIFIED', random.int(0, 1) === 1 ? 'GREEN' : 'AMBER', releasableTo, originator);
    }
    case 'red':
      return seedMarking('UNCLASSIFIED', 'RED', ['CMCC'], originator, random.pick([[NAMED_PEOPLE[0]], NAMED_PEOPLE, [WFP, OCHA]]));
  }
}

function nationMarking(random: SeededRandom, profile: Profile, originator: string): AccessMarking {
  switch (profile) {
    case 'open':
      return seedMarking('RESTRICTED', random.chance(0.3) ? 'AMBER' : 'GREEN', ['CMCC'], originator);
    case 'amber':
      return seedMarking('RESTRICTED', random.chance(0.8) ? 'AMBER' : 'AMBER_STRICT', random.pick([['UN'], ['CMCC'], ['USA', 'GBR']]), originator);
    case 'restricted':
      return seedMarking('RESTRICTED', 'AMBER', random.pick([['NATO'], ['CMCC'], ['FVEY']]), originator);
    case 'confidential':
      return seedMarking('CONFIDENTIAL', 'AMBER', random.pick([['FVEY'], ['USA', 'GBR', 'ISR'], ['NATO']]), originator);
    case 'secret':
      return seedMarking('SECRET', 'RED', random.pick([['FVEY'], ['USA']]), originator, [NAMED_PEOPLE[1]], ['NOFORN'].slice(0, random.int(0, 1)));
    case 'red':
      return seedMarking('CONFIDENTIAL', 'RED', ['USA', 'GBR'], originator, random.pick([[NAMED_PEOPLE[1]], NAMED_PEOPLE, ['gbr-j2-lead']]));
  }
}

/** A marking for seed data, argument by argument; the originator's national marking, if any, kept verbatim. */
export function seedMarking(
  classification: AccessMarking['classification'],
  tlp: AccessMarking['tlp'],
  releasableTo: string[],
  originator: string,
  recipients: string[] = [],
  caveats: string[] = [],
  nationalMarking: string | null = null,
): AccessMarking {
  return { classification, nationalMarking, tlp, releasableTo, originator, recipients, caveats };
}

/** The marking of public, real figures (published by their source). */
export function publicMarking(originator: string): AccessMarking {
  return seedMarking('UNCLASSIFIED', 'CLEAR', ['CMCC'], originator);
}

/**
 * Inserts rows in chunks of multi-row statements; rows whose primary key exists are left untouched, so running a
 * seed again neither duplicates nor changes anything.
 */
export async function insertRows(db: Queryable, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], chunkSize = 500): Promise<void> {
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

/** A marking's column values in MARKING_COLUMNS order, to spread into a seeded row after the record's own values. */
export function markingValues(marking: AccessMarking): unknown[] {
  return Object.values(markingToRow(marking));
}

/** The calendar day of an instant in UTC (`2025-10-10`), as a SQL `date` column takes it. */
export function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
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
    if (db.kind === 'postgres') {
      await tx.query('SET LOCAL statement_timeout = 0');
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`seed:${db.schema}`]);
    }
    const done = await tx.query('SELECT 1 FROM seed_state WHERE name = $1', [name]);
    if (done.length > 0) return false;
    await write(tx);
    await tx.query('INSERT INTO seed_state (name) VALUES ($1)', [name]);
    return true;
  });
}

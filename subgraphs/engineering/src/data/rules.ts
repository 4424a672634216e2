import { createHash } from 'node:crypto';

/** Engineering's domain rules, shared by the mutations and the imports so both refuse the same things. */

export const SOURCES = ['UN2720', 'COGAT', 'OCHA', 'CMCC', 'CENTCOM', 'PCBS', 'MOI', 'UNOSAT', 'UNMAS', 'PARTNER', 'SYNTHETIC', 'WHO', 'UNEP'] as const;
export const FACILITY_TYPES = [
  'WATER_WELL', 'DESALINATION_PLANT', 'WASTEWATER_PLANT', 'PUMPING_STATION', 'POWER_FEEDER', 'POWER_PLANT',
  'ROAD_SEGMENT', 'HOSPITAL', 'PRIMARY_HEALTH_CENTRE', 'BAKERY', 'SCHOOL', 'WAREHOUSE',
] as const;
export const FACILITY_STATUSES = ['OPERATIONAL', 'PARTIAL', 'SHUT_DOWN', 'DAMAGED', 'DESTROYED', 'UNKNOWN'] as const;
export const CAPACITY_UNITS = [
  'CUBIC_METRES_PER_DAY', 'MEGAWATTS', 'TRUCKS_PER_DAY', 'BEDS', 'CONSULTATIONS_PER_DAY', 'TONNES_FLOUR_PER_DAY', 'PUPILS', 'SQUARE_METRES',
] as const;
export const ASSESSMENT_METHODS = ['UNOSAT_SATELLITE', 'FIELD'] as const;
export const DAMAGE_CLASSES = ['DESTROYED', 'SEVERE', 'MODERATE', 'POSSIBLE', 'NONE'] as const;
export const ITEM_TYPES = ['AERIAL_BOMB', 'MORTAR', 'ROCKET', 'PROJECTILE', 'GRENADE', 'IED', 'DEEP_BURIED_BOMB'] as const;

/** An explosive hazard task only ever moves forward through these states (steps may be skipped, never undone). */
export const TASK_STATUS_ORDER = ['REQUESTED', 'ASSESSED', 'MARKED', 'CLEARED'] as const;

/**
 * The latest calendar date that is already "today" somewhere (UTC+14): a status or an image dated after it is in
 * the future, whatever the time zone of the engineer who typed it.
 */
export function latestPossibleDate(now = new Date()): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * UNOSAT's damage class labels ("Severe Damage", "No Visible Damage"...) and this graph's enum names, normalised
 * (case, spaces, punctuation ignored), to the `DamageClass` enum.
 */
const DAMAGE_CLASS_LABELS: Record<string, (typeof DAMAGE_CLASSES)[number]> = {
  destroyed: 'DESTROYED',
  severedamage: 'SEVERE',
  severe: 'SEVERE',
  severelydamaged: 'SEVERE',
  moderatedamage: 'MODERATE',
  moderate: 'MODERATE',
  moderatelydamaged: 'MODERATE',
  possibledamage: 'POSSIBLE',
  possible: 'POSSIBLE',
  possiblydamaged: 'POSSIBLE',
  novisibledamage: 'NONE',
  none: 'NONE',
  nodamage: 'NONE',
};

export const DAMAGE_CLASS_HINT = 'Destroyed, Severe Damage, Moderate Damage, Possible Damage or No Visible Damage (UNOSAT labels)';

export function damageClassOf(text: string): (typeof DAMAGE_CLASSES)[number] | null {
  return DAMAGE_CLASS_LABELS[text.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
}

/** The id of an assessment is derived from its natural key, so recording or importing the same one twice finds it. */
export function assessmentId(facilityId: string, imageryDate: string, method: string): string {
  return `DA-${createHash('sha256').update(`${facilityId}|${imageryDate}|${method}`).digest('hex').slice(0, 16)}`;
}

/** Items found, one entry per kind in the order of `ITEM_TYPES`, as the two parallel columns the table keeps. */
export function itemColumns(items: readonly { type: string; count: number }[]): { item_types: string[]; item_counts: number[] } {
  const sorted = [...items].sort((a, b) => ITEM_TYPES.indexOf(a.type as never) - ITEM_TYPES.indexOf(b.type as never));
  return { item_types: sorted.map((item) => item.type), item_counts: sorted.map((item) => item.count) };
}

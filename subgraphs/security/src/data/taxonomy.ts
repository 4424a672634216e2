/** ACLED's event types and the sub-event types that belong to each; the seed and the schema use the same names. */
export const SUB_EVENT_TYPES = {
  BATTLES: ['ARMED_CLASH', 'GOVERNMENT_REGAINS_TERRITORY', 'NON_STATE_ACTOR_OVERTAKES_TERRITORY'],
  EXPLOSIONS_REMOTE_VIOLENCE: ['CHEMICAL_WEAPON', 'AIR_DRONE_STRIKE', 'SUICIDE_BOMB', 'SHELLING_ARTILLERY_MISSILE_ATTACK', 'REMOTE_EXPLOSIVE_LANDMINE_IED', 'GRENADE'],
  VIOLENCE_AGAINST_CIVILIANS: ['SEXUAL_VIOLENCE', 'ATTACK', 'ABDUCTION_FORCED_DISAPPEARANCE'],
  PROTESTS: ['PEACEFUL_PROTEST', 'PROTEST_WITH_INTERVENTION', 'EXCESSIVE_FORCE_AGAINST_PROTESTERS'],
  RIOTS: ['VIOLENT_DEMONSTRATION', 'MOB_VIOLENCE'],
  STRATEGIC_DEVELOPMENTS: [
    'AGREEMENT',
    'ARREST',
    'CHANGE_TO_GROUP_ACTIVITY',
    'DISRUPTED_WEAPONS_USE',
    'HEADQUARTERS_OR_BASE_ESTABLISHED',
    'LOOTING_PROPERTY_DESTRUCTION',
    'NON_VIOLENT_TRANSFER_OF_TERRITORY',
    'OTHER',
  ],
} as const;

export type EventType = keyof typeof SUB_EVENT_TYPES;
export type SubEventType = (typeof SUB_EVENT_TYPES)[EventType][number];

export const THREAT_LEVELS = ['LOW', 'MODERATE', 'SUBSTANTIAL', 'SEVERE', 'CRITICAL'] as const;
export type ThreatLevel = (typeof THREAT_LEVELS)[number];

export const EVENT_TYPES = Object.keys(SUB_EVENT_TYPES) as EventType[];
export const ALL_SUB_EVENT_TYPES = EVENT_TYPES.flatMap((type) => [...SUB_EVENT_TYPES[type]]) as SubEventType[];

/** The event type a sub-event type belongs to. */
export function eventTypeOf(subEventType: string): EventType | null {
  return EVENT_TYPES.find((type) => (SUB_EVENT_TYPES[type] as readonly string[]).includes(subEventType)) ?? null;
}

/**
 * ACLED writes its types as words ("Explosions/Remote violence", "Looting/property destruction"); the enum names are
 * the same words upper-cased with every run of other characters made one underscore, so either form is accepted.
 */
export function taxonomyName(text: string): string {
  return text
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** ACLED's own wording of each event type, as its exports write it (used in messages about an import file). */
export const ACLED_EVENT_TYPE_LABELS: Record<EventType, string> = {
  BATTLES: 'Battles',
  EXPLOSIONS_REMOTE_VIOLENCE: 'Explosions/Remote violence',
  VIOLENCE_AGAINST_CIVILIANS: 'Violence against civilians',
  PROTESTS: 'Protests',
  RIOTS: 'Riots',
  STRATEGIC_DEVELOPMENTS: 'Strategic developments',
};

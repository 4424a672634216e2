import { eventTypeOf, SUB_EVENT_TYPES, type EventType } from './taxonomy.ts';

// Checks an incident must pass however it is written (mutation or import); each returns what is wrong, or null.

/** The ceasefire took effect on 10 Oct 2025: no violation of it can be alleged before that day. */
export const CEASEFIRE_DATE = '2025-10-10';

/** A non-empty sub-event type must be one of the event type's own (ACLED's taxonomy). */
export function subEventTypeProblem(eventType: string, subEventType: string | null | undefined): string | null {
  if (!subEventType) return null;
  const allowed = SUB_EVENT_TYPES[eventType as EventType] as readonly string[] | undefined;
  if (!allowed || allowed.includes(subEventType)) return null;
  return `${subEventType} is a sub-event type of ${eventTypeOf(subEventType)}, not of ${eventType}; ${eventType} has ${allowed.join(', ')}`;
}

/** Today's date (UTC), `YYYY-MM-DD`. */
export const today = () => new Date().toISOString().slice(0, 10);

/** An incident cannot be dated after today. */
export function eventDateProblem(eventDate: string): string | null {
  return eventDate > today() ? `${eventDate} is in the future; an incident is recorded once it has happened` : null;
}

/** The time of an incident, when known, falls on its day (UTC) and is not in the future. */
export function occurredAtProblem(occurredAt: Date | string, eventDate: string): string | null {
  const instant = new Date(occurredAt);
  if (instant.getTime() > Date.now()) return `${instant.toISOString()} is in the future; an incident is recorded once it has happened`;
  const day = instant.toISOString().slice(0, 10);
  return day === eventDate ? null : `The time ${instant.toISOString()} falls on ${day} (UTC), not on the event date ${eventDate}`;
}

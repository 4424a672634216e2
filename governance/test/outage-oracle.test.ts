import { describe, expect, it } from 'vitest';
import { collateralLosses, fieldResolvers } from '../src/outage.ts';

// A two-subgraph supergraph in the form composition writes: places owns Place, events adds Place.events.
const SUPERGRAPH = `
enum join__Graph {
  EVENTS @join__graph(name: "events", url: "http://events")
  PLACES @join__graph(name: "places", url: "http://places")
}
type Query @join__type(graph: EVENTS) @join__type(graph: PLACES) {
  places: [Place!] @join__field(graph: PLACES)
}
type Place @join__type(graph: EVENTS, key: "id") @join__type(graph: PLACES, key: "id") {
  id: ID!
  name: String @join__field(graph: PLACES)
  events: [Event!] @join__field(graph: EVENTS)
  code: String @join__field(graph: EVENTS, external: true) @join__field(graph: PLACES)
}
type Event @join__type(graph: EVENTS, key: "id") {
  id: ID!
  title: String
  "Resolved by reference to places, which owns Place: a non-null name of places inside it."
  place: Place @join__field(graph: EVENTS)
  venue: Venue @join__field(graph: EVENTS)
}
type Venue @join__type(graph: EVENTS) @join__type(graph: PLACES) {
  label: String! @join__field(graph: PLACES)
}
type Place2 @join__type(graph: PLACES) {
  id: ID!
}`;
const resolvers = fieldResolvers(SUPERGRAPH);
const HEALTHY = { places: [{ id: 'P1', name: 'Gaza City', code: 'GZ', events: [{ id: 'E1', title: 'Patrol' }] }] };

describe('the outage oracle', () => {
  it('reads which subgraphs resolve each field, leaving out @external declarations', () => {
    expect([...resolvers.owners.get('Place.events')!]).toEqual(['events']);
    expect([...resolvers.owners.get('Place.code')!]).toEqual(['places']);
    expect([...resolvers.owners.get('Place.id')!].sort()).toEqual(['events', 'places']);
  });

  it("accepts the missing subgraph's field nulled in place", () => {
    const degraded = { places: [{ ...HEALTHY.places[0], events: null }] };
    expect(collateralLosses(HEALTHY, degraded, 'Query', 'events', resolvers)).toEqual([]);
  });

  it("reports another subgraph's data lost or changed by the outage", () => {
    const lost = { places: [{ ...HEALTHY.places[0], name: null, events: null }] };
    expect(collateralLosses(HEALTHY, lost, 'Query', 'events', resolvers)).toEqual(['.places[0].name changed']);
    expect(collateralLosses(HEALTHY, { places: null }, 'Query', 'events', resolvers)).toEqual(['.places lost']);
    const renamed = { places: [{ ...HEALTHY.places[0], name: 'Khan Younis' }] };
    expect(collateralLosses(HEALTHY, renamed, 'Query', 'events', resolvers)).toEqual(['.places[0].name changed']);
  });

  it("accepts a reference nulled because the missing subgraph's non-null field inside it failed, but not a null further up", () => {
    const sdl = SUPERGRAPH.replace('name: String @join__field(graph: PLACES)', 'name: String! @join__field(graph: PLACES)');
    const strict = fieldResolvers(sdl);
    const healthy = { events: [{ id: 'E1', place: { id: 'P1', name: 'Gaza City' }, venue: { label: 'Hall' } }] };
    const parent = 'Query';
    const q = (events: unknown) => ({ events });
    const withEvents = fieldResolvers(
      sdl.replace('places: [Place!] @join__field(graph: PLACES)', 'places: [Place!] @join__field(graph: PLACES)\n  events: [Event!] @join__field(graph: EVENTS)'),
    );
    expect(collateralLosses(healthy, q([{ id: 'E1', place: null, venue: null }]), parent, 'places', withEvents)).toEqual([]);
    // The events list itself is nullable: a null there is not propagation from places, it is a loss.
    expect(collateralLosses(healthy, q(null), parent, 'places', withEvents)).toEqual(['.events lost']);
    expect(strict.propagatesNull.has('Place.name')).toBe(true);
  });

  it('in presence mode, lets values move on but still reports a loss', () => {
    const moved = { places: [{ ...HEALTHY.places[0], name: 'Khan Younis', events: null }, { id: 'P2' }] };
    expect(collateralLosses(HEALTHY, moved, 'Query', 'events', resolvers, { presenceOnly: true })).toEqual([]);
    const lost = { places: [{ ...HEALTHY.places[0], name: null }] };
    expect(collateralLosses(HEALTHY, lost, 'Query', 'events', resolvers, { presenceOnly: true })).toEqual(['.places[0].name lost']);
  });
});

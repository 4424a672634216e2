import { describe, expect, it } from 'vitest';
import { schemaProtection, viewerOf, visibleHistory, type Principal } from '../src/index.ts';

const member = (overrides: Partial<Principal>): Principal => ({
  subject: 'member',
  nation: 'GBR',
  organization: null,
  workingGroups: [],
  roles: [],
  scopes: [],
  clearance: 'SECRET',
  participant: true,
  ...overrides,
});

const SDL = `
  type Site @key(fields: "id") {
    id: ID!
    name: String!
    latitude: Float @policy(policies: [["sensitive-location"]])
    sourceDescription: String @requiresScopes(scopes: [["intel:read"]])
    pilotNotes: String @policy(policies: [["a-policy-only-the-gateway-knows"]])
    convoyId: ID @inaccessible
    marking: AccessMarking!
  }
`;

const OPEN = { classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN', originator: 'USA', recipients: [], caveats: [] };
const row = (version: number, operation: string, changes: Record<string, unknown>, previous: Record<string, unknown> | null, marking: unknown = null) => ({
  version,
  operation,
  changes,
  previous,
  marking,
  changed_by: 'editor',
  changed_at: '2025-11-01T00:00:00Z',
  via: 'TEST',
  request_id: null,
});

describe('history protection read from the SDL', () => {
  it('protects the fields the SDL protects, by stored column, and knows which types are marked', () => {
    const site = schemaProtection(SDL).get('Site')!;
    expect(site.marked).toBe(true);
    expect([...site.columns.keys()].sort()).toEqual(['convoy_id', 'latitude', 'pilot_notes', 'source_description']);
  });

  it('a field newly protected in the SDL is redacted in history with no other change', () => {
    const rows = [row(1, 'CREATE', { name: 'Site A', latitude: 31.4, ...OPEN }, null, OPEN)];
    const open = schemaProtection(SDL.replace('latitude: Float @policy(policies: [["sensitive-location"]])', 'latitude: Float'));
    const partner = member({ nation: null, organization: 'XI-CMCC-PRCS', clearance: 'UNCLASSIFIED' });
    const view = (protection: ReturnType<typeof schemaProtection>) => ({ principal: partner, viewer: viewerOf(partner), protection: protection.get('Site') });
    expect(visibleHistory(rows, view(open))[0].fields).toContainEqual({ field: 'latitude', previousValue: null, newValue: '31.4', redacted: false });
    expect(visibleHistory(rows, view(schemaProtection(SDL)))[0].fields).toContainEqual({ field: 'latitude', previousValue: null, newValue: null, redacted: true });
  });

  it('a policy the subgraph does not know is never met: its field stays redacted even for a SECRET nation with every scope', () => {
    const everything = member({ nation: 'USA', clearance: 'SECRET', scopes: ['intel:read'], roles: ['analyst', 'admin'] });
    const [entry] = visibleHistory([row(1, 'CREATE', { pilot_notes: 'notes', source_description: 'desc', ...OPEN }, null, OPEN)], {
      principal: everything,
      viewer: viewerOf(everything),
      protection: schemaProtection(SDL).get('Site'),
    });
    expect(entry.fields).toContainEqual({ field: 'pilot_notes', previousValue: null, newValue: null, redacted: true });
    expect(entry.fields).toContainEqual({ field: 'source_description', previousValue: null, newValue: '"desc"', redacted: false });
  });

  it("an @inaccessible reference (another group's record, which that group withholds or not) is redacted for everyone", () => {
    const everything = member({ nation: 'USA', clearance: 'SECRET', scopes: ['intel:read'] });
    const [entry] = visibleHistory([row(2, 'UPDATE', { convoy_id: 'CONVOY-0009' }, { convoy_id: null }, OPEN)], {
      principal: everything,
      viewer: viewerOf(everything),
      protection: schemaProtection(SDL).get('Site'),
    });
    expect(entry.fields).toEqual([{ field: 'convoy_id', previousValue: null, newValue: null, redacted: true }]);
  });

  it('entries written before markings were stored follow the marking through the changes, and are withheld where it cannot be known', () => {
    const secret = { classification: 'SECRET', releasable_to: ['USA'], tlp: 'AMBER' };
    const gbr = member({ nation: 'GBR', clearance: 'RESTRICTED' });
    const view = { principal: gbr, viewer: viewerOf(gbr), protection: schemaProtection(SDL).get('Site') };
    const followed = visibleHistory(
      [
        row(1, 'CREATE', { name: 'A', ...OPEN }, null),
        row(2, 'UPDATE', { name: 'B', ...secret }, { name: 'A', classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN' }),
        row(3, 'UPDATE', { name: 'C', classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN' }, { name: 'B', ...secret }),
      ],
      view,
    );
    expect(followed.map((entry) => entry.version)).toEqual([1, 3]);
    expect(JSON.stringify(followed)).not.toContain('"B"');
    // A record seeded without a CREATE entry: its first update's marking is not known, so that entry is withheld.
    expect(visibleHistory([row(2, 'UPDATE', { name: 'B' }, { name: 'A' })], view)).toEqual([]);
  });
});

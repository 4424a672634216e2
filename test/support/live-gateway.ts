// A gateway with live subscriptions in front of three small in-test subgraphs (composed with @apollo/composition): a
// convoy's status from `convoys` (which owns Subscription.convoyUpdated, resolved per change event), its crossing from
// `crossings` and its incidents from `incidents`. Records carry a marking; the convoys subgraph releases a record
// under the releasability rule's own test oracle (test/support/releasability-oracle.ts), never the kit's code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { CHANGE_EVENT_HEADER, parseChangeEvent, PRINCIPAL_HEADER, PrincipalVerifier, type ChangeEvent, type Principal } from '@cmcc/contracts';
import { signDevToken } from '@cmcc/gateway/auth/dev-keys';
import { loadGatewayConfig } from '@cmcc/gateway/config';
import { createGateway, type Gateway } from '@cmcc/gateway/server';
import { createMemoryEventFeed, type MemoryEventFeed } from '@cmcc/gateway/subscriptions/index';
import { FileAuditStore, loadEd25519Key, type AuditEventRecord } from '@cmcc/audit-trail';
import { close, createLogger, listen } from '@cmcc/subgraph-kit';
import { releasedToPrincipal, type MarkedRow } from './releasability-oracle.ts';
import { TEST_SHARED_SECRET } from './subgraph.ts';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@requiresScopes"])';

/** A convoy as the test keeps it: what the convoys subgraph serves, with its marking. */
export interface ConvoyRecord {
  id: string;
  status: string;
  area: string;
  crossingId: string;
  /** Padding, to make events big for the slow-consumer test. */
  notes?: string;
  marking: MarkedRow;
}

export const OPEN_MARKING: MarkedRow = { classification: 'UNCLASSIFIED', releasable_to: ['CMCC'], tlp: 'GREEN', originator: 'CMCC', recipients: [], caveats: [] };
export const SECRET_MARKING: MarkedRow = { classification: 'SECRET', releasable_to: ['CMCC'], tlp: 'GREEN', originator: 'GBR', recipients: [], caveats: [] };

/** A US analyst of the CMCC cleared SECRET (SECRET records released to CMCC reach them). */
export const CLEARED = Object.freeze({ sub: 'us-analyst', nation: 'USA', org: 'CMCC', clearance: 'SECRET', roles: ['analyst'], scope: 'read:*', cmcc: true });
/** An analyst of the CMCC cleared only RESTRICTED: the rule's clearance check withholds SECRET records. */
export const UNCLEARED = Object.freeze({ sub: 'restricted-analyst', nation: 'CAN', org: 'CMCC', clearance: 'RESTRICTED', roles: ['analyst'], scope: 'read:*', cmcc: true });

export const CONVOY_SUBSCRIPTION = /* GraphQL */ `
  subscription Convoys($area: ID) {
    convoyUpdated(area: $area) {
      id
      status
      crossing {
        name
      }
      incidents {
        summary
      }
    }
  }
`;

export interface LiveGateway {
  readonly url: string;
  readonly wsUrl: string;
  readonly gateway: Gateway;
  readonly feed: MemoryEventFeed;
  readonly convoys: Map<string, ConvoyRecord>;
  /** HTTP requests each subgraph received (the primary fetches of `convoys` counted apart). */
  readonly fetches: { convoys: number; primary: number; crossings: number; incidents: number };
  /** Principals the primary fetches were made for (subjects), in order. */
  readonly primaryPrincipals: string[];
  readonly logs: string[];
  token(claims: Record<string, unknown>, expiresIn?: string): Promise<string>;
  /** Makes the next `n` fetches of a subscription's root field fail (the convoys subgraph answers with an error). */
  failNextPrimaryFetches(n: number): void;
  /** Changes a convoy and publishes its change event; returns the event. */
  change(id: string, update: Partial<ConvoyRecord>): ChangeEvent;
  /** Every subscription audit event written so far. */
  subscriptionAudit(): Promise<AuditEventRecord[]>;
  close(): Promise<void>;
}

export async function startLiveGateway(env: Record<string, string> = {}, feedOptions: { retain?: number } = {}): Promise<LiveGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmcc-live-'));
  const convoys = new Map<string, ConvoyRecord>();
  const crossings = new Map([
    ['kerem-shalom', 'Kerem Shalom'],
    ['zikim', 'Zikim'],
  ]);
  const incidents = new Map<string, string[]>([['c1', ['Road damage near the crossing']]]);
  const fetches = { convoys: 0, primary: 0, crossings: 0, incidents: 0 };
  const primaryPrincipals: string[] = [];
  let failingPrimaryFetches = 0;
  const servers: ApolloServer<{ principal: Principal; event: ChangeEvent | null }>[] = [];

  async function subgraph(name: 'convoys' | 'crossings' | 'incidents', typeDefs: string, resolvers: Record<string, Record<string, unknown>>) {
    const verifier = new PrincipalVerifier(TEST_SHARED_SECRET, name);
    const server = new ApolloServer<{ principal: Principal; event: ChangeEvent | null }>({
      schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never }),
    });
    servers.push(server);
    const { url } = await startStandaloneServer(server, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }: { req: http.IncomingMessage }) => {
        const principal = await verifier.verify(req.headers[PRINCIPAL_HEADER] as string | undefined);
        const event = parseChangeEvent(req.headers[CHANGE_EVENT_HEADER]);
        fetches[name]++;
        if (event) {
          fetches.primary++;
          primaryPrincipals.push(principal.subject);
        }
        return { principal, event };
      },
    });
    return { name, url, typeDefs };
  }

  const convoyOf = (id: string, principal: Principal) => {
    const convoy = convoys.get(id);
    return convoy && releasedToPrincipal(principal, convoy.marking) ? convoy : null;
  };
  const services = [
    await subgraph(
      'convoys',
      `${FEDERATION}
      "A convoy of aid trucks."
      type Convoy @key(fields: "id") {
        "Its id."
        id: ID!
        "Where it is."
        status: String!
        "The area it serves."
        area: ID!
        "Free text."
        notes: String
      }
      type Query {
        "One convoy."
        convoy(id: ID!): Convoy
      }
      type Subscription {
        "A convoy changed (optionally only in one area)."
        convoyUpdated(area: ID): Convoy
        "Convoys, for convoy administrators only."
        administeredConvoyUpdated: Convoy @requiresScopes(scopes: [["admin:convoys"]])
      }`,
      {
        Query: { convoy: (_: unknown, { id }: { id: string }, { principal }: { principal: Principal }) => convoyOf(id, principal) },
        Subscription: {
          convoyUpdated: {
            resolve: (_: unknown, { area }: { area?: string }, { principal, event }: { principal: Principal; event: ChangeEvent | null }) => {
              if (event && failingPrimaryFetches > 0) {
                failingPrimaryFetches--;
                throw new Error('the convoys subgraph is failing (injected by the test)');
              }
              if (!event || event.entityType !== 'Convoy') return null;
              const convoy = convoyOf(event.entityId, principal);
              return convoy && (!area || convoy.area === area) ? convoy : null;
            },
          },
          administeredConvoyUpdated: {
            resolve: (_: unknown, __: unknown, { principal, event }: { principal: Principal; event: ChangeEvent | null }) => (event ? convoyOf(event.entityId, principal) : null),
          },
        },
        Convoy: { __resolveReference: ({ id }: { id: string }, { principal }: { principal: Principal }) => convoyOf(id, principal) },
      },
    ),
    await subgraph(
      'crossings',
      `${FEDERATION}
      "A border crossing."
      type Crossing @key(fields: "id") {
        "Its id."
        id: ID!
        "Its name."
        name: String!
      }
      type Convoy @key(fields: "id") {
        "Its id."
        id: ID!
        "The crossing it goes through."
        crossing: Crossing
      }
      type Query {
        "One crossing."
        crossing(id: ID!): Crossing
      }`,
      {
        Query: { crossing: (_: unknown, { id }: { id: string }) => ({ id, name: crossings.get(id) }) },
        Convoy: {
          crossing: ({ id }: { id: string }) => {
            const crossingId = convoys.get(id)?.crossingId;
            return crossingId ? { id: crossingId, name: crossings.get(crossingId) } : null;
          },
        },
      },
    ),
    await subgraph(
      'incidents',
      `${FEDERATION}
      "A security incident."
      type Incident {
        "Its id."
        id: ID!
        "What happened."
        summary: String!
      }
      type Convoy @key(fields: "id") {
        "Its id."
        id: ID!
        "Incidents that affected it."
        incidents: [Incident!]!
      }
      type Query {
        "One incident."
        incident(id: ID!): Incident
      }`,
      {
        Query: { incident: () => null },
        Convoy: { incidents: ({ id }: { id: string }) => (incidents.get(id) ?? []).map((summary, n) => ({ id: `${id}-${n}`, summary })) },
      },
    ),
  ];
  const composed = composeServices(services.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  fs.writeFileSync(supergraphPath, composed.supergraphSdl);

  const logs: string[] = [];
  const config = loadGatewayConfig({
    SUPERGRAPH_PATH: supergraphPath,
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    SUBGRAPH_SHARED_SECRET: new TextDecoder().decode(TEST_SHARED_SECRET),
    GATEWAY_RESPONSE_CACHE: 'false',
    ...env,
  });
  const feed = createMemoryEventFeed(feedOptions);
  const gateway = await createGateway(config, createLogger('gateway', config.logLevel, { write: (line: string) => void logs.push(line) }), { feed });
  const { server, url } = await listen(gateway.handler, 0);
  server.on('upgrade', gateway.handleUpgrade);
  const store = new FileAuditStore(path.join(dir, 'audit'), loadEd25519Key(path.join(dir, 'auth', 'audit-signing-key.json')));
  let nextId = 1;

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    gateway,
    feed,
    convoys,
    fetches,
    primaryPrincipals,
    logs,
    token: (claims, expiresIn) => signDevToken(dir, claims, expiresIn),
    failNextPrimaryFetches(n) {
      failingPrimaryFetches = n;
    },
    change(id, update) {
      const before = convoys.get(id);
      convoys.set(id, { ...(before ?? { id, status: 'PLANNED', area: 'PS0555', crossingId: 'kerem-shalom', marking: OPEN_MARKING }), ...update, id });
      const event: ChangeEvent = {
        id: String(nextId++),
        subgraph: 'convoys',
        entityType: 'Convoy',
        entityId: id,
        version: nextId,
        operation: before ? 'UPDATE' : 'CREATE',
        changedAt: new Date().toISOString(),
      };
      feed.publish(event);
      return event;
    },
    async subscriptionAudit() {
      await gateway.audit.flush();
      const { events } = await store.listEvents({}, { first: 1000 });
      return events.filter((event) => event.subscription !== undefined);
    },
    async close() {
      server.closeAllConnections();
      await close(server);
      await gateway.stop();
      await Promise.all(servers.map((s) => s.stop()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

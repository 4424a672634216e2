/**
 * The live feed: incidents and coordination requests as they change, over the gateway's GraphQL-over-WebSocket
 * endpoint (graphql-ws protocol), authenticated once in connection_init. When the gateway refuses (no subscription
 * endpoint, a field it does not know, an expired token) the feed says so and the rest of the floor keeps working.
 */
import { createClient, type Client } from 'graphql-ws';
import type { MapIncident } from './map.ts';
import { el, markingBadge, type Marking } from './markings.ts';

const MARKING = 'marking { classification releasableTo tlp caveats }';
export const INCIDENT_SUBSCRIPTION = `subscription FloorIncidentFeed { incidentUpdated { id eventDate eventType fatalities locationName latitude longitude area { pcode name } ${MARKING} } }`;
export const REQUEST_SUBSCRIPTION = `subscription FloorRequestFeed { coordinationRequestUpdated { id title priority status dueAt area { pcode name } ${MARKING} } }`;

interface LiveRequest {
  id: string;
  title: string;
  priority: string;
  status: string;
  area: { pcode: string; name: string } | null;
  marking: Marking | null;
}

/** The WebSocket URL of a GraphQL endpoint given as a path or an absolute http(s) URL. */
export function webSocketUrl(graphql: string, base: string): string {
  const url = new URL(graphql, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class LiveFeed {
  private client: Client | undefined;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly problems = new Map<string, string>();

  constructor(
    container: HTMLElement,
    private readonly onIncident: (incident: MapIncident & { area: { pcode: string; name: string } | null }) => void,
  ) {
    this.status = el('p', 'floor-feed-status', 'Live feed: not connected.');
    this.status.dataset.state = 'idle';
    this.list = el('ol', 'floor-feed-list');
    container.append(this.status, this.list);
  }

  start(url: string, token: string): void {
    this.stop();
    this.problems.clear();
    this.setState('connecting', 'Live feed: connecting…');
    this.client = createClient({
      url,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 2,
      on: {
        connected: () => this.setState('live', 'Live feed: connected.'),
        closed: (event) => {
          const close = event as { code?: number; reason?: string };
          if (this.status.dataset.state !== 'unavailable')
            this.setState('closed', `Live feed: connection closed (${close.code ?? '?'}${close.reason ? ` ${close.reason}` : ''}); retrying…`);
        },
      },
    });
    this.subscribe('incidents', INCIDENT_SUBSCRIPTION, (data) => {
      const incident = (data as { incidentUpdated?: MapIncident & { area: { pcode: string; name: string } | null } }).incidentUpdated;
      if (!incident) return;
      this.onIncident(incident);
      this.add(
        'incident',
        incident.id,
        `${incident.eventDate} ${incident.eventType.replace(/_/g, ' ').toLowerCase()} — ${incident.locationName}${incident.area ? ` (${incident.area.name})` : ''}`,
        incident.marking,
      );
    });
    this.subscribe('requests', REQUEST_SUBSCRIPTION, (data) => {
      const request = (data as { coordinationRequestUpdated?: LiveRequest }).coordinationRequestUpdated;
      if (!request) return;
      this.add(
        'request',
        request.id,
        `${request.priority.toLowerCase()} · ${request.status.replace(/_/g, ' ').toLowerCase()} — ${request.title}${request.area ? ` (${request.area.name})` : ''}`,
        request.marking,
      );
    });
  }

  stop(): void {
    void this.client?.dispose();
    this.client = undefined;
  }

  private subscribe(name: string, query: string, next: (data: unknown) => void): void {
    this.client!.subscribe(
      { query },
      {
        next: (result) => {
          if (result.errors?.length) this.refused(name, result.errors.map((error) => error.message).join('; '));
          if (result.data) next(result.data);
        },
        error: (error) => this.refused(name, describeFailure(error)),
        complete: () => this.refused(name, 'the gateway ended the subscription'),
      },
    );
  }

  private refused(name: string, reason: string): void {
    this.problems.set(name, reason);
    this.setState('unavailable', `Live feed unavailable — ${[...this.problems].map(([what, why]) => `${what}: ${why}`).join('; ')}`);
  }

  private setState(state: string, text: string): void {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  private add(kind: string, id: string, text: string, marking: Marking | null): void {
    const item = el('li', 'floor-feed-item');
    item.dataset.live = `${kind}:${id}`;
    item.append(el('time', undefined, new Date().toLocaleTimeString()), el('span', 'record-text', text), markingBadge(marking));
    this.list.prepend(item);
    while (this.list.children.length > 200) this.list.lastElementChild?.remove();
  }
}

function describeFailure(error: unknown): string {
  if (Array.isArray(error)) return error.map((item: { message?: string }) => item.message ?? String(item)).join('; ');
  if (error instanceof Error) return error.message;
  const close = error as { code?: number; reason?: string; type?: string };
  if (typeof close?.code === 'number') return `the gateway closed the connection (${close.code}${close.reason ? ` ${close.reason}` : ''})`;
  if (close?.type === 'error') return 'the gateway refused the WebSocket connection';
  return String(error);
}

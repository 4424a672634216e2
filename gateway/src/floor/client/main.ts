/**
 * The operations floor in the browser: sign-in (a token, or in development the role picker), then the map, the
 * throughput charts, the per-governorate panels and the live feed, each showing only what that principal may see.
 * Bundled by ../app.ts with Leaflet's and uPlot's stylesheets; everything it loads comes from the page's origin, and
 * everything it asks comes from the gateway named in the page.
 */
import 'leaflet/dist/leaflet.css';
import 'uplot/dist/uPlot.min.css';
import './floor.css';
import FLOOR_OVERVIEW from 'floor:FloorOverview';
import CROSSING_PIPELINE from 'floor:CrossingPipeline';
import FLOOR_MAP from 'floor:FloorMap';
import { describeToken, devPrincipals, mintDevToken, normalizeToken, readToken, storeToken, tokenClaims } from '../../web/client/sign-in.ts';
import { ThroughputCharts, type StreamReport } from './charts.ts';
import { LiveFeed, webSocketUrl } from './feed.ts';
import { describeError, isWithheld, runOperation, type GraphQLError } from './graphql.ts';
import { FloorMap, type MapIncident, type MapSite } from './map.ts';
import { el } from './markings.ts';
import { renderPanels, type OverviewArea } from './panels.ts';

/** The ceasefire of 10 October 2025, where the seeded and imported data begins: the floor shows everything since. */
const SINCE = '2025-10-10T00:00:00Z';

const root = document.getElementById('floor')!;
const GRAPHQL = new URL(root.dataset.graphql ?? '/graphql', location.href).href;
const DEV_SIGN_IN = root.dataset.devSignIn ? new URL(root.dataset.devSignIn, location.href).href.replace(/\/$/, '') : '';

function panel(area: string, title: string): { box: HTMLElement; body: HTMLElement } {
  const box = el('section', `floor-panel floor-${area}`);
  const body = el('div', 'floor-panel-body');
  box.append(el('h2', undefined, title), body);
  return { box, body };
}

// Layout: the bar, then a grid (map | charts and feed, panels below); see floor.css for the wall and laptop layouts.
const bar = el('header', 'floor-bar');
const grid = el('main', 'floor-grid');
const mapPanel = panel('map', 'Gaza Strip');
const chartPanel = panel('charts', 'Crossing throughput (CrossingPipeline)');
const feedPanel = panel('feed', 'Live incidents and coordination requests');
const areaPanel = panel('areas', 'Governorates (FloorOverview)');
const problems = el('ul', 'floor-problems');
problems.setAttribute('aria-live', 'polite');
grid.append(mapPanel.box, chartPanel.box, feedPanel.box, areaPanel.box);
root.replaceChildren(bar, problems, grid);

const mapElement = el('div', 'floor-map-canvas');
mapPanel.body.append(mapElement);
const map = new FloorMap(mapElement);
const charts = new ThroughputCharts(chartPanel.body);
const feed = new LiveFeed(feedPanel.body, (incident) => {
  const shown = map.showIncident(incident);
  if (!shown) map.note('A live incident arrived without a location released to you.');
});

// The sign-in bar: the token in use, the role picker in development, what the token says about its holder.
const status = el('span', 'floor-token-status');
status.dataset.testid = 'token-status';
const tokenInput = Object.assign(el('input'), {
  id: 'floor-token',
  type: 'password',
  autocomplete: 'off',
  placeholder: 'paste a token (npm run token), then Enter',
  spellcheck: false,
});
const useButton = el('button', 'floor-button', 'Use token');
const forgetButton = el('button', 'floor-button', 'Forget');
const picker = el('select', 'floor-role-picker');
picker.id = 'floor-role';
picker.hidden = true;
picker.setAttribute('aria-label', 'Development principal');
bar.append(el('span', 'floor-title', 'CMCC operations floor'), picker, tokenInput, useButton, forgetButton, status);

let token = readToken();
tokenInput.value = token;

function signIn(next: string): void {
  token = normalizeToken(next);
  tokenInput.value = token;
  storeToken(token);
  void refresh();
}
tokenInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') signIn(tokenInput.value);
});
useButton.addEventListener('click', () => signIn(tokenInput.value));
forgetButton.addEventListener('click', () => signIn(''));
picker.addEventListener('change', async () => {
  if (!picker.value) return;
  try {
    signIn(await mintDevToken(DEV_SIGN_IN, picker.value));
  } catch (error) {
    status.textContent = `Sign-in refused: ${error instanceof Error ? error.message : String(error)}`;
  }
});

void devPrincipals(DEV_SIGN_IN).then((principals) => {
  if (principals.length === 0) return;
  picker.append(Object.assign(el('option', undefined, 'Sign in as… (development)'), { value: '' }));
  for (const principal of principals) {
    const claims = principal.claims;
    const label = `${principal.name} — ${[claims.nation, claims.org, claims.clearance].filter(Boolean).join(' · ')}`;
    picker.append(Object.assign(el('option', undefined, label), { value: principal.name }));
  }
  const current = tokenClaims(token)?.sub;
  const match = principals.find((principal) => principal.claims.sub === current);
  if (match) picker.value = match.name;
  picker.hidden = false;
});

function showProblems(all: GraphQLError[]): void {
  // One line per working group and code: a list of twenty identical errors says less than one.
  const lines = new Map<string, { text: string; withheld: boolean }>();
  for (const error of all) {
    const key = `${error.extensions?.serviceName ?? ''}|${error.extensions?.code ?? ''}|${isWithheld(error) ? '' : error.message}`;
    if (!lines.has(key)) lines.set(key, { text: describeError(error), withheld: isWithheld(error) });
  }
  problems.replaceChildren(
    ...[...lines.values()].map(({ text, withheld }) => {
      const item = el('li', withheld ? 'floor-withheld' : 'floor-unavailable', withheld ? `Withheld from you — ${text}` : `Unavailable — ${text}`);
      return item;
    }),
  );
}

let generation = 0;

async function refresh(): Promise<void> {
  const mine = ++generation;
  status.textContent = describeToken(token);
  feed.stop();
  if (!token) {
    renderPanels(areaPanel.body, [], undefined);
    areaPanel.body.append(el('p', 'floor-muted', 'Sign in to see the floor: every operation needs a credential.'));
    map.setIncidents([]);
    map.setSites([]);
    charts.show([]);
    problems.replaceChildren();
    return;
  }
  root.dataset.state = 'loading';
  const [overview, pipeline, layers] = await Promise.all([
    runOperation<{ areas: OverviewArea[] }>(GRAPHQL, token, FLOOR_OVERVIEW, { since: SINCE }),
    runOperation<{ crossings: { id: string; status: string; streamReports: StreamReport[] | null }[] }>(GRAPHQL, token, CROSSING_PIPELINE, {}),
    runOperation<{ incidents: { totalCount: number; edges: { node: MapIncident }[] } | null; displacementSites: { totalCount: number; edges: { node: MapSite }[] } | null }>(
      GRAPHQL,
      token,
      FLOOR_MAP,
      { since: SINCE },
    ),
  ]);
  if (mine !== generation) return;
  showProblems([...(overview.errors ?? []), ...(pipeline.errors ?? []), ...(layers.errors ?? [])]);

  renderPanels(areaPanel.body, overview.data?.areas ?? [], overview.errors);
  map.setControlShares(Object.fromEntries((overview.data?.areas ?? []).map((area) => [area.pcode, area.controlShare])));

  const crossings = pipeline.data?.crossings ?? [];
  map.setCrossingStatus(Object.fromEntries(crossings.map((crossing) => [crossing.id, crossing.status])));
  charts.show(crossings.flatMap((crossing) => crossing.streamReports ?? []));

  const incidents = layers.data?.incidents?.edges.map((edge) => edge.node) ?? [];
  const sites = layers.data?.displacementSites?.edges.map((edge) => edge.node) ?? [];
  map.setIncidents(incidents);
  map.setSites(sites);
  const located = (list: { latitude: number | null }[]) => list.filter((item) => item.latitude !== null).length;
  map.note(
    `${incidents.length} incidents and ${sites.length} displacement sites released to you; ` +
      `${incidents.length - located(incidents)} and ${sites.length - located(sites)} of them without a location released to you (policy sensitive-location).`,
  );
  root.dataset.state = 'ready';
  feed.start(webSocketUrl(GRAPHQL, location.href), token);
}

void refresh();

/**
 * One panel per governorate from FloorOverview: population, the share east of the Yellow Line, threat level, aid by
 * source (and stream within it), and the records the caller may see (displacement sites, incidents, facilities, open
 * coordination requests), each with its marking. A list the gateway could not get says which working group and why.
 */
import { describeError, errorAt, isWithheld, type GraphQLError } from './graphql.ts';
import { el, recordRow, type Marking } from './markings.ts';

interface Figures {
  source: string;
  asOf: string | null;
  trucks: number;
  tonnes: number;
  byStream: { stream: string; trucks: number; tonnes: number }[];
}

export interface OverviewArea {
  pcode: string;
  name: string;
  controlShare: number | null;
  threatLevel: string | null;
  populationEstimates: { value: number; source: string; asOf: string }[] | null;
  displacementSites: { id: string; name: string; individuals: number; households: number; source: string; asOf: string; marking: Marking }[] | null;
  aidDeliveries: { bySource: Figures[] } | null;
  incidents: { id: string; eventDate: string; eventType: string; fatalities: number | null; marking: Marking }[] | null;
  facilities: { id: string; name: string; type: string; status: string; serviceStatus: { functionality: string } | null; marking: Marking }[] | null;
  coordinationRequests: { id: string; title: string; priority: string; status: string; dueAt: string | null; marking: Marking }[] | null;
}

const words = (value: string) => value.replace(/_/g, ' ').toLowerCase();

/**
 * The working group (subgraph) that resolves each part of a panel, as FloorOverview's comment and the supergraph say.
 * A failed fetch of a whole subgraph comes back as errors naming it (`serviceName`) but not always at the field's
 * path, so a part that is null without an error at its path takes its working group's (an unavailability, never a
 * withholding meant for another record).
 */
const OWNER: Readonly<Record<string, string>> = {
  controlShare: 'security',
  threatLevel: 'security',
  incidents: 'security',
  populationEstimates: 'civil-administration',
  displacementSites: 'civil-administration',
  aidDeliveries: 'humanitarian',
  facilities: 'engineering',
  coordinationRequests: 'coordination',
};

/** A section of a panel: its rows, or why there are none (the working group and code of the error at its path). */
function section(title: string, rows: HTMLElement[] | null, error: GraphQLError | undefined, empty: string): HTMLElement {
  const block = el('section', 'floor-area-section');
  block.append(el('h4', undefined, rows ? `${title} (${rows.length})` : title));
  if (error && (!rows || rows.length === 0)) {
    const problem = el(
      'p',
      isWithheld(error) ? 'floor-withheld' : 'floor-unavailable',
      isWithheld(error) ? `Withheld: ${describeError(error)}` : `Unavailable — ${describeError(error)}`,
    );
    problem.dataset.problem = error.extensions?.serviceName ?? error.extensions?.code ?? 'error';
    block.append(problem);
  } else if (!rows) {
    block.append(el('p', 'floor-unavailable', 'Unavailable (no answer for this part).'));
  } else if (rows.length === 0) {
    block.append(el('p', 'floor-muted', empty));
  } else {
    const list = el('ul', 'records');
    list.append(...rows);
    block.append(list);
  }
  return block;
}

function figure(label: string, value: string, error?: GraphQLError): HTMLElement {
  const box = el('div', 'floor-figure');
  box.append(
    el('span', 'floor-figure-label', label),
    el('span', error ? 'floor-figure-value floor-unavailable' : 'floor-figure-value', error ? `unavailable (${describeError(error)})` : value),
  );
  return box;
}

export function renderPanels(container: HTMLElement, areas: OverviewArea[], errors: GraphQLError[] | undefined): void {
  container.replaceChildren(
    ...areas.map((area, index) => {
      const at = (field: keyof OverviewArea) =>
        errorAt(errors, ['areas', index, field]) ??
        (area[field] === null ? errors?.find((error) => error.extensions?.serviceName === OWNER[field] && !isWithheld(error)) : undefined);
      const panel = el('article', 'floor-area');
      panel.dataset.pcode = area.pcode;
      panel.append(el('h3', undefined, `${area.name} (${area.pcode})`));
      const population = area.populationEstimates?.map((estimate) => `${estimate.value.toLocaleString()} (${estimate.source}, ${estimate.asOf})`).join('; ');
      const figures = el('div', 'floor-figures');
      figures.append(
        figure('Population', population || 'no estimate', area.populationEstimates ? undefined : at('populationEstimates')),
        figure(
          'East of the Yellow Line',
          area.controlShare === null ? 'unknown' : `${Math.round(area.controlShare * 100)} %`,
          area.controlShare === null ? at('controlShare') : undefined,
        ),
        figure('Threat level', area.threatLevel ? words(area.threatLevel) : 'not assessed', area.threatLevel === null ? at('threatLevel') : undefined),
      );
      panel.append(figures);
      const aid = area.aidDeliveries?.bySource.map((figures) => {
        const row = el('li', 'aid');
        const streams = figures.byStream.map((stream) => `${words(stream.stream)} ${stream.trucks}`).join(', ');
        row.textContent = `${figures.source}: ${figures.trucks} trucks, ${Math.round(figures.tonnes).toLocaleString()} t${streams ? ` (${streams})` : ''}`;
        return row;
      });
      panel.append(section('Aid delivered, by source', aid ?? null, at('aidDeliveries'), 'No deliveries released to you.'));
      panel.append(
        section(
          'Displacement sites',
          area.displacementSites?.map((site) => recordRow('site', site.id, `${site.name}: ${site.individuals.toLocaleString()} people`, site.marking)) ?? null,
          at('displacementSites'),
          'None released to you.',
        ),
        section(
          'Incidents',
          area.incidents?.map((incident) =>
            recordRow(
              'incident',
              incident.id,
              `${incident.eventDate} ${words(incident.eventType)}${incident.fatalities ? `, ${incident.fatalities} killed` : ''}`,
              incident.marking,
            ),
          ) ?? null,
          at('incidents'),
          'None released to you since the date shown.',
        ),
        section(
          'Facilities',
          area.facilities?.map((facility) =>
            recordRow(
              'facility',
              facility.id,
              `${facility.name} — ${words(facility.type)}, ${words(facility.status)}${facility.serviceStatus ? `, ${words(facility.serviceStatus.functionality)}` : ''}`,
              facility.marking,
            ),
          ) ?? null,
          at('facilities'),
          'None released to you.',
        ),
        section(
          'Open coordination requests',
          area.coordinationRequests?.map((request) =>
            recordRow('request', request.id, `${words(request.priority)} · ${words(request.status)} — ${request.title}`, request.marking),
          ) ?? null,
          at('coordinationRequests'),
          'None open that are released to you.',
        ),
      );
      return panel;
    }),
  );
}

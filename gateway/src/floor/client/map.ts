/**
 * The map of the Strip: Leaflet over the shipped GeoJSON only (governorates, the Yellow Line) and the crossings' fixed
 * positions, with displacement sites and incidents where the graph released their coordinates. No tile layer: nothing
 * is fetched from anywhere, the gateway included.
 */
import L from 'leaflet';
import governorates from 'floor:governorates';
import yellowLine from 'floor:yellow-line';
import crossingPositions from './crossings.json' with { type: 'json' };
import { el, markingText, type Marking } from './markings.ts';

export interface MapIncident {
  id: string;
  eventDate: string;
  eventType: string;
  fatalities: number | null;
  locationName: string;
  latitude: number | null;
  longitude: number | null;
  marking: Marking | null;
}

export interface MapSite {
  id: string;
  name: string;
  individuals: number;
  latitude: number | null;
  longitude: number | null;
  marking: Marking | null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class FloorMap {
  private readonly map: L.Map;
  private readonly areas = new Map<string, L.Path>();
  private readonly crossings = new Map<string, L.CircleMarker>();
  private readonly incidents = L.layerGroup();
  private readonly incidentMarkers = new Map<string, L.CircleMarker>();
  private readonly sites = L.layerGroup();
  private readonly legend: HTMLElement;

  constructor(container: HTMLElement) {
    this.map = L.map(container, { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
    // The shipped files are GeoJSON (RFC 7946); Leaflet reads them as they are.
    const areaLayer = L.geoJSON(governorates as GeoJSON.FeatureCollection, {
      style: () => ({ className: 'floor-governorate', color: '#38557a', weight: 1.5, fillColor: '#9fb6cf', fillOpacity: 0.35 }),
      onEachFeature: (feature, layer) => {
        const { pcode, name } = feature.properties as { pcode: string; name: string };
        this.areas.set(pcode, layer as L.Path);
        layer.bindTooltip(name, { permanent: true, direction: 'center', className: 'floor-area-label' });
        layer.on('add', () => (layer as L.Path).getElement()?.setAttribute('data-pcode', pcode));
      },
    }).addTo(this.map);
    const line = L.geoJSON(yellowLine as GeoJSON.FeatureCollection, { style: () => ({ className: 'floor-yellow-line', color: '#e0b000', weight: 3, dashArray: '8 5' }) })
      .bindTooltip(() => `Yellow Line — ${escapeHtml(yellowLine.features[0]?.properties.description ?? '')}`, { sticky: true, className: 'floor-tooltip' })
      .addTo(this.map);
    const crossingLayer = L.layerGroup().addTo(this.map);
    for (const feature of crossingPositions.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const marker = L.circleMarker([lat, lon], { className: 'floor-crossing', radius: 7, color: '#1f3a5f', weight: 2, fillColor: '#cccccc', fillOpacity: 1 });
      marker.bindTooltip(`${feature.properties.name} (position illustrative: SYNTHETIC)`, { className: 'floor-tooltip' }).addTo(crossingLayer);
      this.crossings.set(feature.properties.id, marker);
    }
    this.sites.addTo(this.map);
    this.incidents.addTo(this.map);
    L.control
      .layers(
        undefined,
        { Governorates: areaLayer, 'Yellow Line': line, Crossings: crossingLayer, 'Displacement sites': this.sites, Incidents: this.incidents },
        { collapsed: false },
      )
      .addTo(this.map);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.legend = el('div', 'floor-map-legend');
    container.append(this.legend);
    this.map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
    let size = '';
    new ResizeObserver(() => {
      if (`${container.clientWidth}x${container.clientHeight}` === size) return;
      size = `${container.clientWidth}x${container.clientHeight}`;
      requestAnimationFrame(() => {
        this.map.invalidateSize();
        this.map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
      });
    }).observe(container);
  }

  /** Shades each governorate by the share east of the Yellow Line (security's controlShare). */
  setControlShares(shares: Record<string, number | null>): void {
    for (const [pcode, share] of Object.entries(shares)) {
      const path = this.areas.get(pcode);
      if (!path) continue;
      path.setStyle({ fillColor: share === null ? '#bbbbbb' : `hsl(${Math.round(210 - 170 * share)}, 55%, 55%)` });
      path.getElement()?.setAttribute('data-control-share', share === null ? 'unknown' : share.toFixed(2));
    }
  }

  setCrossingStatus(statuses: Record<string, string>): void {
    const colours: Record<string, string> = { OPEN: '#2e8b57', RESTRICTED: '#e0a000', CLOSED: '#c0392b' };
    for (const [id, status] of Object.entries(statuses)) {
      const marker = this.crossings.get(id);
      marker?.setStyle({ fillColor: colours[status] ?? '#cccccc' });
      marker?.setTooltipContent(`${escapeHtml(id.replace(/_/g, ' '))}: ${escapeHtml(status)}`);
    }
  }

  setSites(sites: MapSite[]): void {
    this.sites.clearLayers();
    for (const site of sites) {
      if (site.latitude === null || site.longitude === null) continue;
      const marker = L.circleMarker([site.latitude, site.longitude], {
        className: 'floor-site',
        radius: 3 + Math.min(9, Math.sqrt(site.individuals) / 25),
        color: '#5b3f8c',
        weight: 1,
        fillColor: '#8e6cc7',
        fillOpacity: 0.7,
      });
      marker.bindTooltip(`${escapeHtml(site.name)} — ${site.individuals.toLocaleString()} people<br>${escapeHtml(site.marking ? markingText(site.marking) : '')}`, {
        className: 'floor-tooltip',
      });
      marker.addTo(this.sites);
      marker.getElement()?.setAttribute('data-site', site.id);
    }
  }

  setIncidents(incidents: MapIncident[]): void {
    this.incidents.clearLayers();
    this.incidentMarkers.clear();
    for (const incident of incidents) this.showIncident(incident, false);
  }

  /** Adds or moves one incident (a live event); returns whether it has a released location to show. */
  showIncident(incident: MapIncident, live = true): boolean {
    this.incidentMarkers.get(incident.id)?.remove();
    this.incidentMarkers.delete(incident.id);
    if (incident.latitude === null || incident.longitude === null) return false;
    const marker = L.circleMarker([incident.latitude, incident.longitude], {
      className: live ? 'floor-incident floor-live' : 'floor-incident',
      radius: live ? 8 : 4,
      color: '#7a0c0c',
      weight: 1,
      fillColor: '#e74c3c',
      fillOpacity: 0.85,
    });
    const label = `${incident.eventDate} ${incident.eventType.replace(/_/g, ' ').toLowerCase()} — ${incident.locationName}${incident.fatalities ? `, ${incident.fatalities} killed` : ''}`;
    marker.bindTooltip(`${escapeHtml(label)}<br>${escapeHtml(incident.marking ? markingText(incident.marking) : '')}`, { className: 'floor-tooltip' });
    marker.addTo(this.incidents);
    marker.getElement()?.setAttribute('data-incident', incident.id);
    this.incidentMarkers.set(incident.id, marker);
    return true;
  }

  note(text: string): void {
    this.legend.textContent = text;
  }
}

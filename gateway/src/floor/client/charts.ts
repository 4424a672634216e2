/**
 * Crossing throughput from CrossingPipeline's day-by-day stream reports, with uPlot: trucks offloaded per day by source
 * (all crossings of one source added up; sources side by side, never added together), and by stream within one source.
 */
import uPlot from 'uplot';
import { el } from './markings.ts';

export interface StreamReport {
  date: string;
  source: string;
  stream: string;
  trucksOffloaded: number;
}

/** The layout of floor.css where every panel has a fixed share of the screen. */
const WALL = matchMedia('(min-width: 1600px)');
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function days(reports: StreamReport[]): string[] {
  return [...new Set(reports.map((report) => report.date))].sort();
}

function seriesBy(reports: StreamReport[], key: (report: StreamReport) => string): { labels: string[]; data: uPlot.AlignedData } {
  const dates = days(reports);
  const labels = [...new Set(reports.map(key))].sort();
  const index = new Map(dates.map((date, i) => [date, i]));
  const values = labels.map(() => dates.map(() => 0));
  for (const report of reports) values[labels.indexOf(key(report))][index.get(report.date)!] += report.trucksOffloaded;
  return { labels, data: [dates.map((date) => Date.parse(`${date}T00:00:00Z`) / 1000), ...values] };
}

export class ThroughputCharts {
  private readonly plots: uPlot[] = [];
  private reports: StreamReport[] = [];
  private readonly bySource: HTMLElement;
  private readonly byStream: HTMLElement;
  private readonly picker: HTMLSelectElement;

  constructor(private readonly container: HTMLElement) {
    this.bySource = el('div', 'floor-chart');
    this.bySource.dataset.chart = 'by-source';
    this.byStream = el('div', 'floor-chart');
    this.byStream.dataset.chart = 'by-stream';
    this.picker = el('select');
    this.picker.setAttribute('aria-label', 'Source of the by-stream chart');
    this.picker.addEventListener('change', () => this.draw());
    const streamTitle = el('h3', undefined, 'Trucks offloaded per day by stream, as reported by ');
    streamTitle.append(this.picker);
    container.append(el('h3', undefined, 'Trucks offloaded per day by source (each source on its own)'), this.bySource, streamTitle, this.byStream);
    let size = '';
    // Redrawn only when the panel's size changes, after layout (a resize in the callback would notify the observer again).
    new ResizeObserver(() => {
      const next = `${container.clientWidth}x${WALL.matches ? container.clientHeight : 0}`;
      if (next === size) return;
      size = next;
      requestAnimationFrame(() => this.resize());
    }).observe(container);
  }

  show(reports: StreamReport[]): void {
    this.reports = reports;
    const sources = [...new Set(reports.map((report) => report.source))];
    // The source with the most reports first: its streams make the fullest chart.
    sources.sort((a, b) => reports.filter((r) => r.source === b).length - reports.filter((r) => r.source === a).length);
    const chosen = this.picker.value;
    this.picker.replaceChildren(...sources.map((source) => Object.assign(el('option', undefined, source), { value: source })));
    if (sources.includes(chosen)) this.picker.value = chosen;
    this.draw();
  }

  private draw(): void {
    for (const plot of this.plots.splice(0)) plot.destroy();
    this.bySource.replaceChildren();
    this.byStream.replaceChildren();
    if (this.reports.length === 0) {
      this.bySource.append(el('p', 'floor-muted', 'No stream reports released to you in this window.'));
      return;
    }
    this.plots.push(
      this.plot(
        this.bySource,
        seriesBy(this.reports, (report) => report.source),
      ),
    );
    const source = this.picker.value;
    this.plots.push(
      this.plot(
        this.byStream,
        seriesBy(
          this.reports.filter((report) => report.source === source),
          (report) => report.stream,
        ),
      ),
    );
  }

  private plot(target: HTMLElement, { labels, data }: { labels: string[]; data: uPlot.AlignedData }): uPlot {
    const { width, height } = this.size(target);
    return new uPlot(
      {
        width,
        height,
        scales: { x: { time: true } },
        axes: [
          { stroke: '#c8d3e0', grid: { stroke: '#2a3b52' } },
          { stroke: '#c8d3e0', grid: { stroke: '#2a3b52' }, label: 'trucks' },
        ],
        series: [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 4 } }))],
        legend: { live: false },
      },
      data,
      target,
    );
  }

  private size(target: HTMLElement): { width: number; height: number } {
    const width = Math.max(240, (target.clientWidth || this.container.clientWidth) - 8);
    // On the wall screen the panel has a fixed height the two charts share (titles and legends take about 130 px);
    // elsewhere the page scrolls and the charts take their height from their width.
    const height = WALL.matches ? (this.container.clientHeight - 130) / 2 : width * 0.38;
    return { width, height: Math.round(Math.max(110, Math.min(300, height))) };
  }

  private resize(): void {
    for (const plot of this.plots) plot.setSize(this.size(plot.root.parentElement ?? this.container));
  }
}

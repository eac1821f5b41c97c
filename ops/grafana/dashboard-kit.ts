/**
 * Builds Grafana dashboard JSON (schema 39) from short panel descriptions: rows of half-width panels, every
 * query on the provisioned Prometheus data source (uid `prometheus`, ops/grafana/provisioning/datasources).
 */

export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE = '$__rate_interval';

export type Unit = 's' | 'reqps' | 'ops' | 'percentunit' | 'short' | 'none';

export interface Query {
  expr: string;
  /** Grafana legend template, e.g. `{{job}} {{task_queue}}`. */
  legend: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  queries: readonly Query[];
  unit: Unit;
  kind?: 'timeseries' | 'stat';
  /** Stack the series (e.g. orders by status). */
  stacked?: boolean;
  /** Full width instead of half. */
  wide?: boolean;
}

export interface Section {
  title: string;
  panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
  sections: readonly Section[];
}

const HALF = 12;
const FULL = 24;
const HEIGHT = 8;

/** `histogram_quantile(q, sum by (le, …) (rate(<metric>_bucket{…}[window])))`. */
export function quantile(q: number, bucketSelector: string, by: readonly string[] = []): string {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${bucketSelector}[${RATE}])))`;
}

/** p50, p95 and p99 of a histogram, one query each, legends prefixed with the quantile. */
export function percentiles(bucketSelector: string, by: readonly string[] = []): Query[] {
  const suffix = by.map((l) => ` {{${l}}}`).join('');
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: quantile(q, bucketSelector, by),
    legend: `p${Math.round(q * 100)}${suffix}`,
  }));
}

/** `sum by (…) (rate(<selector>[window]))`. */
export function ratePerSecond(selector: string, by: readonly string[] = []): string {
  const grouping = by.length === 0 ? 'sum' : `sum by (${by.join(', ')})`;
  return `${grouping} (rate(${selector}[${RATE}]))`;
}

function panelJson(spec: PanelSpec, id: number, gridPos: Record<string, number>): Record<string, unknown> {
  const targets = spec.queries.map((q, i) => ({
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend,
    range: true,
    refId: String.fromCharCode(65 + i),
  }));
  const common = {
    id,
    type: spec.kind ?? 'timeseries',
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    targets,
  };
  if (spec.kind === 'stat') {
    return {
      ...common,
      fieldConfig: { defaults: { unit: spec.unit, decimals: 0 }, overrides: [] },
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'area',
        textMode: 'value_and_name',
      },
    };
  }
  return {
    ...common,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        min: 0,
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stacked ? 30 : 0,
          showPoints: 'never',
          stacking: { mode: spec.stacked ? 'normal' : 'none', group: 'A' },
        },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** The whole dashboard: a collapsed-free row per section, panels two abreast. */
export function buildDashboard(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const section of spec.sections) {
    panels.push({
      id: id++,
      type: 'row',
      title: section.title,
      collapsed: false,
      gridPos: { h: 1, w: FULL, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const panel of section.panels) {
      const w = panel.wide ? FULL : HALF;
      if (x + w > FULL) {
        x = 0;
        y += HEIGHT;
      }
      panels.push(panelJson(panel, id++, { h: HEIGHT, w, x, y }));
      x += w;
    }
    y += HEIGHT;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: false,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

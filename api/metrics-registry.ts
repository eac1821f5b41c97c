/**
 * A small Prometheus registry: counters, gauges and fixed-bucket histograms with labels, rendered in the
 * text exposition format (version 0.0.4).
 */
type Labels = Record<string, string>;

interface Metric {
  render(): string[];
  /** Refreshes a value read from elsewhere, before each scrape. */
  collect?(): Promise<void>;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Series keyed by their label values, in the order the metric declares its label names. */
function seriesKey(names: readonly string[], labels: Labels): string {
  return JSON.stringify(names.map((n) => labels[n] ?? ''));
}

function labelsOf(names: readonly string[], key: string): Labels {
  const values = JSON.parse(key) as string[];
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replaceAll('\n', ' ')}`, `# TYPE ${name} ${type}`];
}

export class Counter implements Metric {
  private readonly series = new Map<string, number>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  inc(labels: Labels, by = 1): void {
    const key = seriesKey(this.labelNames, labels);
    this.series.set(key, (this.series.get(key) ?? 0) + by);
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    for (const [key, value] of this.series)
      lines.push(`${this.name}${labelText(labelsOf(this.labelNames, key))} ${value}`);
    return lines;
  }
}

export class Gauge implements Metric {
  private value = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  add(delta: number): void {
    this.value += delta;
  }

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), `${this.name} ${this.value}`];
  }
}

/**
 * A gauge read from elsewhere (a database count) when Prometheus scrapes. When the read fails the
 * series is left out, so an alert can tell "unknown" (`absent()`) from zero.
 */
export class SampledGauge implements Metric {
  private value: number | undefined;
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly sample: () => Promise<number>,
  ) {}

  async collect(): Promise<void> {
    this.value = await this.sample().catch(() => undefined);
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'gauge');
    return this.value === undefined ? lines : [...lines, `${this.name} ${this.value}`];
  }
}

/** A gauge with labels read when Prometheus scrapes: one series per entry the sample returns. */
export class SampledGaugeSeries implements Metric {
  private series: { labels: Labels; value: number }[] = [];
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly sample: () => Promise<{ labels: Labels; value: number }[]>,
  ) {}

  async collect(): Promise<void> {
    this.series = await this.sample().catch(() => []);
  }

  render(): string[] {
    return [
      ...header(this.name, this.help, 'gauge'),
      ...this.series.map(({ labels, value }) => `${this.name}${labelText(labels)} ${value}`),
    ];
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = seriesKey(this.labelNames, labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i] = entry.counts[i]! + 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const [key, entry] of this.series) {
      const labels = labelsOf(this.labelNames, key);
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${entry.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${entry.count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${entry.sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${entry.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  async collect(): Promise<void> {
    await Promise.all(this.metrics.map((m) => m.collect?.()));
  }

  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

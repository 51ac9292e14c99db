/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

function summarise(values: Float64Array): LatencySummary {
  const sorted = values.sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? 0 : sum / sorted.length,
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/**
 * Latencies in ms with sub-ms precision (autocannon's own histogram has 1 ms), each with the
 * moment its response arrived (performance.now() ms), so a long run can be cut into windows.
 * Grows as needed.
 */
export class Samples {
  private values = new Float64Array(1 << 14);
  private times = new Float64Array(1 << 14);
  private size = 0;

  add(value: number, at = performance.now()): void {
    if (this.size === this.values.length) {
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
      const times = new Float64Array(this.times.length * 2);
      times.set(this.times);
      this.times = times;
    }
    this.values[this.size] = value;
    this.times[this.size] = at;
    this.size += 1;
  }

  addAll(other: Samples): void {
    for (let i = 0; i < other.size; i++) {
      this.add(other.values[i] as number, other.times[i] as number);
    }
  }

  get count(): number {
    return this.size;
  }

  summary(): LatencySummary {
    return summarise(this.values.slice(0, this.size));
  }

  /** The responses that arrived in [fromMs, toMs): how many, and their latencies. */
  window(fromMs: number, toMs: number): { count: number; latency: LatencySummary } {
    const picked: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const at = this.times[i] as number;
      if (at >= fromMs && at < toMs) picked.push(this.values[i] as number);
    }
    return { count: picked.length, latency: summarise(Float64Array.from(picked)) };
  }
}

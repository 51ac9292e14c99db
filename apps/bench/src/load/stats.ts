/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

/** Grows as needed; latencies in ms with sub-ms precision (autocannon's own histogram has 1 ms). */
export class Samples {
  private values = new Float64Array(1 << 14);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = value;
  }

  get count(): number {
    return this.size;
  }

  summary(): { p50: number; p99: number; mean: number; max: number } {
    const sorted = this.values.slice(0, this.size).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      mean: this.size === 0 ? 0 : sum / this.size,
      max: sorted[sorted.length - 1] ?? 0,
    };
  }
}

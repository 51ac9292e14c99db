// A server's CPU profile (`pnpm bench --cpu-prof`) cut into the case's phases: where each phase's
// CPU went, per request, by package. One profile spans a whole case; comparing its phases (e.g.
// the channel case's without and with idle subscribers) shows which costs a change of load grows.
// V8 stamps samples with the monotonic clock, the clock of process.hrtime in every process on the
// machine, so phases timed by the benchmark line up with the servers' samples.

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

/** The parts of a `.cpuprofile` (Profiler.stop's result) this reads. */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame }[];
  /** Monotonic µs of the first sample's reference point. */
  readonly startTime: number;
  readonly samples: readonly number[];
  /** µs since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

export interface ProfileWindow {
  readonly name: string;
  /** Monotonic µs (monotonicUs). */
  readonly fromUs: number;
  readonly toUs: number;
  readonly requests: number;
}

export interface PhaseCpu {
  readonly name: string;
  readonly requests: number;
  /** CPU ms in the window, idle excluded. */
  readonly busyMs: number;
  /** CPU ms by category (categoryOf). */
  readonly byCategory: ReadonlyMap<string, number>;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1_000n);
}

/** A sample's category: its package, Node's module, or V8's pseudo-frame ("(garbage collector)"). */
export function categoryOf(frame: CallFrame): string {
  const { url } = frame;
  if (url === "") return frame.functionName;
  const inPackage = /.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
    url,
  );
  if (inPackage?.[1] !== undefined) return inPackage[1];
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  // The app's own code (the built server, its packages), by its first directories.
  const path = url.replace(/^file:\/\//, "");
  const app = /\/(apps|packages)\/([^/]+)/.exec(path);
  return app === null ? "other" : `${app[1]}/${app[2]}`;
}

/** The CPU of each window, by category. */
export function cpuByPhase(profile: CpuProfile, windows: readonly ProfileWindow[]): PhaseCpu[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = windows.map(() => ({ busyMs: 0, byCategory: new Map<string, number>() }));
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const frame = frames.get(profile.samples[i] ?? -1);
    if (frame === undefined || frame.functionName === "(idle)") continue;
    const index = windows.findIndex((w) => at >= w.fromUs && at < w.toUs);
    const total = totals[index];
    if (total === undefined) continue;
    const category = categoryOf(frame);
    total.busyMs += delta / 1_000;
    total.byCategory.set(category, (total.byCategory.get(category) ?? 0) + delta / 1_000);
  }
  return windows.map((w, i) => ({
    name: w.name,
    requests: w.requests,
    busyMs: totals[i]?.busyMs ?? 0,
    byCategory: totals[i]?.byCategory ?? new Map(),
  }));
}

/**
 * A table (text lines) of µs per request by category, one column per phase, the `top`
 * categories that differ most between the first phase and the others first.
 */
export function phaseTable(phases: readonly PhaseCpu[], top = 12): string[] {
  const perRequest = (phase: PhaseCpu, category: string) =>
    ((phase.byCategory.get(category) ?? 0) * 1_000) / Math.max(1, phase.requests);
  const categories = [...new Set(phases.flatMap((p) => [...p.byCategory.keys()]))];
  const spread = (category: string) => {
    const values = phases.map((p) => perRequest(p, category));
    return Math.max(...values) - Math.min(...values);
  };
  categories.sort((a, b) => spread(b) - spread(a));
  const cell = (value: number) => value.toFixed(0).padStart(12);
  return [
    `${"µs per request".padEnd(32)}${phases.map((p) => p.name.slice(0, 11).padStart(12)).join("")}`,
    `${"all".padEnd(32)}${phases.map((p) => cell((p.busyMs * 1_000) / Math.max(1, p.requests))).join("")}`,
    ...categories
      .slice(0, top)
      .map(
        (c) => `${c.slice(0, 31).padEnd(32)}${phases.map((p) => cell(perRequest(p, c))).join("")}`,
      ),
  ];
}

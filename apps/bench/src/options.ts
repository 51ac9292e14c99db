import { parseArgs } from "node:util";

/** What one invocation of `pnpm bench` does. */
export interface BenchOptions {
  /** 2 s per case, no warm-up, zero errors asserted, BENCHMARKS.md left alone. */
  readonly smoke: boolean;
  /** Reuse apps/web's existing `.next-bench` build. */
  readonly skipBuild: boolean;
  /** Only the cases whose id starts with one of these (e.g. "rest-5", "baseline"); all when empty. */
  readonly only: readonly string[];
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Write BENCHMARKS.md and results/latest.json (full runs of every case only). */
  readonly write: boolean;
  /** Start the Next.js server with --cpu-prof; profiles go to this directory. */
  readonly cpuProfDir: string | null;
  /** Admin connection used only to CREATE and DROP the benchmark's own database. */
  readonly adminUrl: string;
}

const USAGE = `pnpm bench [--smoke] [--skip-build] [--only=rest-5,baseline-5,…] [--duration=20]
           [--warmup=5] [--connections=32] [--no-write] [--cpu-prof=<dir>]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), used only to
create and drop a fresh database.`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: "boolean", default: false },
      "skip-build": { type: "boolean", default: false },
      only: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      "no-write": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke;
  const only = (values.only ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const durationSeconds = positive("duration", values.duration, smoke ? 2 : 20);
  const warmupSeconds = positive("warmup", values.warmup, smoke ? 0 : 5);
  const custom = only.length > 0 || values.duration !== undefined || values.warmup !== undefined;
  return {
    smoke,
    skipBuild: values["skip-build"],
    only,
    warmupSeconds,
    durationSeconds,
    connections: positive("connections", values.connections, 32),
    // A partial or shortened run must not overwrite the recorded one.
    write: !smoke && !values["no-write"] && !custom && values.connections === undefined,
    cpuProfDir: values["cpu-prof"] ?? null,
    adminUrl: env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/postgres",
  };
}

import { parseArgs } from "node:util";

/** What one invocation of `pnpm bench` does. */
export interface BenchOptions {
  /** Every case briefly (2 s), no warm-up, zero errors asserted, BENCHMARKS.md left alone. */
  readonly smoke: boolean;
  /** Reuse apps/web's existing `.next-bench` build. */
  readonly skipBuild: boolean;
  /** Only the cases whose id starts with one of these (e.g. "rest-5", "baseline"); all when empty. */
  readonly only: readonly string[];
  /** Include the long sustained cases (also when --only names them, and in --smoke). */
  readonly sustained: boolean;
  readonly warmupSeconds: number;
  /** Measured seconds of a load case and of the two-instance case. */
  readonly durationSeconds: number;
  /** Measured seconds of each sustained case (10 minutes in a full run). */
  readonly sustainedSeconds: number;
  /** Measured seconds of the timeout-accuracy case (60 in a full run). */
  readonly timeoutsSeconds: number;
  /** Rate of the timeout-accuracy case; null: the REST path's max measured in the same run. */
  readonly timeoutRate: number | null;
  readonly connections: number;
  /** Write BENCHMARKS.md and results/latest.json (full runs of every case only). */
  readonly write: boolean;
  /** Start the app server with a CPU profiler; profiles go to this directory. */
  readonly cpuProfDir: string | null;
  /**
   * When the server's autovacuum is off, apply its vacuum and analyze rules during each case
   * (default true; --no-auto-analyze keeps the statistics and dead rows each case starts with).
   */
  readonly autoAnalyze: boolean;
  /** Admin connection used only to CREATE and DROP the benchmark's own databases. */
  readonly adminUrl: string;
  /**
   * The servers' REST rate limit: "off" (the recorded runs: one app sends everything), or on with
   * a budget no case reaches, counted in this store, to measure what the check costs a request.
   */
  readonly rateLimit: BenchRateLimit;
  /**
   * Run the servers with APP_SECRET_ENCRYPTION_KEY set and the bench app's secret stored
   * encrypted, to measure what decrypting it costs the REST path.
   */
  readonly encryptSecrets: boolean;
}

export const BENCH_RATE_LIMITS = ["off", "memory", "postgres", "redis"] as const;
export type BenchRateLimit = (typeof BENCH_RATE_LIMITS)[number];

const USAGE = `pnpm bench [--smoke] [--skip-build] [--only=rest-5,baseline-5,…] [--duration=20]
           [--warmup=5] [--connections=32] [--sustained] [--sustained-minutes=10]
           [--timeout-rate=<req/s>] [--no-auto-analyze] [--no-write] [--cpu-prof=<dir>]
           [--rate-limit=off|memory|postgres|redis] [--encrypt-secrets]
Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), used only to
create and drop fresh databases; BENCH_REDIS_URL (default redis://127.0.0.1:6379/0) for
--rate-limit=redis.`;

/** Seconds the timeout-accuracy case rings members at the max rate (the 60 s). */
export const TIMEOUTS_CASE_SECONDS = 60;
/** Minutes of each sustained case (the 10). */
export const SUSTAINED_MINUTES = 10;

function nonNegative(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = nonNegative(name, raw, fallback);
  if (value === 0) throw new Error(`--${name} must be a number > 0`);
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
      sustained: { type: "boolean", default: false },
      "sustained-minutes": { type: "string" },
      "timeout-rate": { type: "string" },
      "no-write": { type: "boolean", default: false },
      "no-auto-analyze": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      "rate-limit": { type: "string" },
      "encrypt-secrets": { type: "boolean", default: false },
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
  const warmupSeconds = nonNegative("warmup", values.warmup, smoke ? 0 : 5);
  const sustainedMinutes = positive(
    "sustained-minutes",
    values["sustained-minutes"],
    SUSTAINED_MINUTES,
  );
  const timeoutRate =
    values["timeout-rate"] === undefined
      ? null
      : positive("timeout-rate", values["timeout-rate"], 1);
  const rateLimit = (values["rate-limit"] ?? "off") as BenchRateLimit;
  if (!BENCH_RATE_LIMITS.includes(rateLimit)) {
    throw new Error(`--rate-limit must be one of ${BENCH_RATE_LIMITS.join(", ")}`);
  }
  const custom =
    only.length > 0 ||
    rateLimit !== "off" ||
    values["encrypt-secrets"] ||
    values.duration !== undefined ||
    values.warmup !== undefined ||
    values.connections !== undefined ||
    values["sustained-minutes"] !== undefined ||
    values["no-auto-analyze"] ||
    timeoutRate !== null;
  return {
    smoke,
    skipBuild: values["skip-build"],
    only,
    sustained: smoke || values.sustained || values["sustained-minutes"] !== undefined,
    warmupSeconds,
    durationSeconds,
    // A smoke run or an explicit --duration shortens every case; --sustained-minutes the long ones.
    sustainedSeconds:
      smoke || (values.duration !== undefined && values["sustained-minutes"] === undefined)
        ? durationSeconds
        : sustainedMinutes * 60,
    timeoutsSeconds:
      smoke || values.duration !== undefined ? durationSeconds : TIMEOUTS_CASE_SECONDS,
    timeoutRate,
    connections: positive("connections", values.connections, 32),
    // A partial or shortened run must not overwrite the recorded one.
    write: !smoke && !values["no-write"] && !custom,
    cpuProfDir: values["cpu-prof"] ?? null,
    autoAnalyze: !values["no-auto-analyze"],
    adminUrl: env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/postgres",
    rateLimit,
    encryptSecrets: values["encrypt-secrets"],
  };
}

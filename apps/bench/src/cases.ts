/** Which server a case drives: the app's REST paths, its tRPC endpoint, or the baseline. */
export type BenchPath = "rest" | "trpc" | "baseline";

/**
 * - `load`: warm-up, then `--duration` measured, flat out or at half of rest-5's rate;
 * - `sustained`: one long full-load run (10 minutes), cut into windows (load/timeline.ts);
 * - `timeouts`: rings members with a short timeout at the REST path's max rate, then checks the
 *   ring clock (database/ring-clock.ts);
 * - `instances`: two app servers (WORKER_IN_SERVER=0) and one `pnpm worker` on a database of
 *   their own, the load split across both servers, then the same ring-clock check;
 * - `channel`: the user channel: two app servers, idle subscribers, throughput without and with
 *   them, and the latency from an invite's commit to the ring at a subscriber (run-channel.ts).
 */
export type CaseKind = "load" | "sustained" | "timeouts" | "instances" | "channel";

/** How fast a case sends: flat out, at half of rest-5's req/s, or at the REST path's max. */
export type RateSource = "max" | "half" | "max-rest";

export interface CaseSpec {
  readonly id: string;
  readonly kind: CaseKind;
  readonly path: BenchPath;
  readonly invitees: number;
  readonly rate: RateSource;
  /**
   * The collaborations' own calling timeout (ruleSettings.callingTimeout), seconds; 0 leaves it
   * to the deployment's, BENCH_CALLING_TIMEOUT_SECONDS (an hour: nothing comes due in a run).
   */
  readonly callingTimeoutSeconds: number;
  /** Long: runs only with --sustained (or when --only names it, or in --smoke). */
  readonly optIn: boolean;
}

export const INVITEE_COUNTS = [1, 5, 25, 100] as const;

/** Rate-limited cases run at this share of the REST path's maximum throughput (5 invitees). */
export const HALF_RATE_SHARE = 0.5;
export const HALF_RATE_REFERENCE = "rest-5";

/** The calling timeout the product defaults to (docs/decisions.md, "Calling timeout"): the second sustained case's. */
export const DEFAULT_CALLING_TIMEOUT_SECONDS = 60;
/** The timeout-accuracy case's (and the two-instance case's) calling timeout. */
export const SHORT_CALLING_TIMEOUT_SECONDS = 2;

export const SUSTAINED_QUIET = "sustained-5@1h";
export const SUSTAINED_FIRING = "sustained-5@60s";
export const TIMEOUTS_CASE = "timeouts-5@2s";
export const INSTANCES_CASE = "instances-5@2s";
export const CHANNEL_CASE = "channel-1@100";
/** The channel case's idle subscribers, and its latency phase's invites/s. */
export const CHANNEL_IDLE_SUBSCRIBERS = 1_000;
export const CHANNEL_LATENCY_RATE = 100;

/**
 * Where the timeout-accuracy case takes "the REST path's max sustained invite rate" from, first
 * found first: the sustained case with timeouts firing (its whole run), else rest-5.
 */
export const MAX_REST_REFERENCES = [SUSTAINED_FIRING, HALF_RATE_REFERENCE] as const;

function load(id: string, path: BenchPath, invitees: number, rate: RateSource = "max"): CaseSpec {
  return { id, kind: "load", path, invitees, rate, callingTimeoutSeconds: 0, optIn: false };
}

/**
 * Every case, in run order: baseline and REST interleaved per invitee count (so a change in the
 * machine's load hits both alike), then tRPC, then the rate-limited pair, which needs rest-5;
 * then the sustained pair (opt-in), the timeout-accuracy case (which needs a max rate) and the
 * two-instance case (its own servers and database).
 */
export function allCases(): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const invitees of INVITEE_COUNTS) {
    cases.push(load(`baseline-${invitees}`, "baseline", invitees));
    cases.push(load(`rest-${invitees}`, "rest", invitees));
  }
  cases.push(load("trpc-5", "trpc", 5));
  cases.push(load("rest-5@half", "rest", 5, "half"));
  cases.push(load("baseline-5@half", "baseline", 5, "half"));
  const sustained = (id: string, callingTimeoutSeconds: number): CaseSpec => ({
    id,
    kind: "sustained",
    path: "rest",
    invitees: 5,
    rate: "max",
    callingTimeoutSeconds,
    optIn: true,
  });
  cases.push(sustained(SUSTAINED_QUIET, 0));
  cases.push(sustained(SUSTAINED_FIRING, DEFAULT_CALLING_TIMEOUT_SECONDS));
  cases.push({
    id: TIMEOUTS_CASE,
    kind: "timeouts",
    path: "rest",
    invitees: 5,
    rate: "max-rest",
    callingTimeoutSeconds: SHORT_CALLING_TIMEOUT_SECONDS,
    optIn: false,
  });
  cases.push({
    id: INSTANCES_CASE,
    kind: "instances",
    path: "rest",
    invitees: 5,
    rate: "max",
    callingTimeoutSeconds: SHORT_CALLING_TIMEOUT_SECONDS,
    optIn: false,
  });
  cases.push({
    id: CHANNEL_CASE,
    kind: "channel",
    path: "rest",
    invitees: 1,
    rate: "max",
    callingTimeoutSeconds: 0,
    optIn: false,
  });
  return cases;
}

/**
 * The cases to run: those whose id starts with one of `only` (all when empty); opt-in cases only
 * with `includeOptIn` or when `only` names them.
 */
export function selectCases(only: readonly string[], includeOptIn: boolean): CaseSpec[] {
  const cases = allCases();
  const selected =
    only.length === 0
      ? cases.filter((c) => includeOptIn || !c.optIn)
      : cases.filter((c) => only.some((prefix) => c.id.startsWith(prefix)));
  if (selected.length === 0) {
    throw new Error(`--only matched no case; cases: ${cases.map((c) => c.id).join(", ")}`);
  }
  return selected;
}

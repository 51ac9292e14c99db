/** Which server a case drives. */
export type BenchPath = "rest" | "trpc" | "baseline";

export interface CaseSpec {
  readonly id: string;
  readonly path: BenchPath;
  readonly invitees: number;
  /** Rate-limited at half of rest-5's measured throughput (the p99 target). */
  readonly halfRestRate: boolean;
}

export const INVITEE_COUNTS = [1, 5, 25, 100] as const;

/** Rate-limited cases run at this share of the REST path's maximum throughput (5 invitees). */
export const HALF_RATE_SHARE = 0.5;
export const HALF_RATE_REFERENCE = "rest-5";

/**
 * Every case, in run order: baseline and REST interleaved per invitee count (so a change in the
 * machine's load hits both alike), then tRPC, then the rate-limited pair, which needs rest-5.
 */
export function allCases(): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const invitees of INVITEE_COUNTS) {
    cases.push({ id: `baseline-${invitees}`, path: "baseline", invitees, halfRestRate: false });
    cases.push({ id: `rest-${invitees}`, path: "rest", invitees, halfRestRate: false });
  }
  cases.push({ id: "trpc-5", path: "trpc", invitees: 5, halfRestRate: false });
  cases.push({ id: "rest-5@half", path: "rest", invitees: 5, halfRestRate: true });
  cases.push({ id: "baseline-5@half", path: "baseline", invitees: 5, halfRestRate: true });
  return cases;
}

export function selectCases(only: readonly string[]): CaseSpec[] {
  const cases = allCases();
  if (only.length === 0) return cases;
  const selected = cases.filter((c) => only.some((prefix) => c.id.startsWith(prefix)));
  if (selected.length === 0) {
    throw new Error(`--only matched no case; cases: ${cases.map((c) => c.id).join(", ")}`);
  }
  return selected;
}

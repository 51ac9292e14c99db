import { HALF_RATE_REFERENCE, INVITEE_COUNTS } from "../cases";
import { type CaseResult, isMeasured, type MeasuredCase } from "../results";

// The issue's targets, measured (never asserted): each met, missed by how much, or not measured.

export interface TargetVerdict {
  readonly target: string;
  readonly status: "met" | "missed" | "not measured";
  readonly detail: string;
}

export const RATIO_TARGET = 0.5;
export const P99_TARGET_MS = 50;
export const RSS_TARGET_BYTES = 300 * 2 ** 20;

function find(cases: readonly CaseResult[], id: string): MeasuredCase | undefined {
  const found = cases.find((c) => c.id === id);
  return found && isMeasured(found) ? found : undefined;
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const fixed = (n: number, digits = 0) => n.toFixed(digits);

function ratioTarget(cases: readonly CaseResult[]): TargetVerdict {
  const target = `REST invite, 5 invitees ≥ ${RATIO_TARGET}× baseline req/s`;
  const rest = find(cases, "rest-5");
  const base = find(cases, "baseline-5");
  if (!rest || !base)
    return { target, status: "not measured", detail: "rest-5 or baseline-5 did not run" };
  const ratio = rest.measured.requestsPerSecond / base.measured.requestsPerSecond;
  const detail = `${fixed(rest.measured.requestsPerSecond)} vs ${fixed(base.measured.requestsPerSecond)} req/s = ${fixed(ratio, 2)}×`;
  return ratio >= RATIO_TARGET
    ? { target, status: "met", detail }
    : {
        target,
        status: "missed",
        detail: `${detail} (short by ${fixed(RATIO_TARGET - ratio, 2)}×)`,
      };
}

function p99Target(cases: readonly CaseResult[]): TargetVerdict {
  const target = `p99 < ${P99_TARGET_MS} ms at half the REST path's max throughput`;
  const half = find(cases, `${HALF_RATE_REFERENCE}@half`);
  if (!half)
    return { target, status: "not measured", detail: `${HALF_RATE_REFERENCE}@half did not run` };
  const p99 = half.measured.latency.p99;
  const detail = `p99 ${fixed(p99, 1)} ms at ${half.targetRate} req/s (achieved ${fixed(half.measured.requestsPerSecond)})`;
  return p99 < P99_TARGET_MS
    ? { target, status: "met", detail }
    : { target, status: "missed", detail: `${detail}, ${fixed(p99 - P99_TARGET_MS, 1)} ms over` };
}

function scalingTarget(cases: readonly CaseResult[]): TargetVerdict {
  const target = "REST req/s × invitees grows from 1 to 100 invitees";
  const points = INVITEE_COUNTS.map((n) => ({ n, c: find(cases, `rest-${n}`) }));
  if (points.some((p) => !p.c))
    return { target, status: "not measured", detail: "a rest-N case did not run" };
  const rates = points.map((p) => ({ n: p.n, rate: (p.c?.measured.requestsPerSecond ?? 0) * p.n }));
  const detail = `${rates.map((r) => `${r.n}: ${fixed(r.rate)}`).join(" → ")} invitees/s`;
  const drops = rates.slice(1).filter((r, i) => r.rate < (rates[i]?.rate ?? 0));
  return drops.length === 0
    ? { target, status: "met", detail }
    : {
        target,
        status: "missed",
        detail: `${detail} (shrinks at ${drops.map((d) => d.n).join(", ")})`,
      };
}

function rssTarget(cases: readonly CaseResult[]): TargetVerdict {
  const target = `Next.js server RSS < ${mb(RSS_TARGET_BYTES)} under load`;
  const next = cases.filter(isMeasured).filter((c) => c.path !== "baseline");
  if (next.length === 0)
    return { target, status: "not measured", detail: "no REST or tRPC case ran" };
  const peak = next.reduce((a, b) => (b.peakRssBytes > a.peakRssBytes ? b : a));
  const detail = `peak ${mb(peak.peakRssBytes)} (${peak.id})`;
  return peak.peakRssBytes < RSS_TARGET_BYTES
    ? { target, status: "met", detail }
    : {
        target,
        status: "missed",
        detail: `${detail}, ${mb(peak.peakRssBytes - RSS_TARGET_BYTES)} over`,
      };
}

export function evaluateTargets(cases: readonly CaseResult[]): TargetVerdict[] {
  return [ratioTarget(cases), p99Target(cases), scalingTarget(cases), rssTarget(cases)];
}

import type { WindowStats } from "../load/timeline";
import type { BenchResult, CaseResult, MeasuredCase } from "../results";
import { isMeasured } from "../results";
import { duration } from "./format";
import { evaluateTargets } from "./targets";

// The results as Markdown: the table of cases, the sustained runs in windows, the ring clock,
// the two-instance case, then the targets. Printed and put in BENCHMARKS.md.

const fixed = (n: number, digits = 0) => n.toFixed(digits);
const mb = (bytes: number) => fixed(bytes / 2 ** 20);
const orBlank = (n: number | null, digits = 2) => (n === null ? "" : fixed(n, digits));

/** What serves each path: REST is answered by the app's HTTP entry itself, tRPC by Next.js. */
export const PATH_LABEL = {
  rest: "REST (entry)",
  trpc: "tRPC (Next.js)",
  baseline: "baseline",
} as const;

function pathLabel(result: CaseResult): string {
  if (result.kind === "channel") return "REST + user channel";
  return result.kind === "instances" ? "REST, 2 servers" : PATH_LABEL[result.path];
}

/** The baseline case a load case is compared with: same invitees and same load shape. */
function baselineOf(result: CaseResult, cases: readonly CaseResult[]): CaseResult | undefined {
  if (result.path === "baseline" || result.kind !== "load") return undefined;
  const suffix = result.id.includes("@") ? `@${result.id.split("@")[1]}` : "";
  return cases.find((c) => c.id === `baseline-${result.invitees}${suffix}`);
}

function loadLabel(result: MeasuredCase, settings: BenchResult["settings"]): string {
  const shape =
    result.kind === "instances"
      ? `2 × ${result.connections / 2} conn`
      : result.targetRate === null
        ? `${result.connections} conn`
        : `${result.targetRate} req/s`;
  const seconds = result.measured.seconds;
  return seconds === settings.durationSeconds ? shape : `${shape}, ${fixed(seconds)} s`;
}

function row(result: CaseResult, result_: BenchResult): string {
  const label = `${result.id} | ${pathLabel(result)} | ${result.invitees}`;
  if (!isMeasured(result)) return `| ${label} | skipped: ${result.skipped} ||||||||||`;
  const m = result.measured;
  const base = baselineOf(result, result_.cases);
  const ratio =
    base && isMeasured(base) && result.targetRate === null
      ? `${fixed(m.requestsPerSecond / base.measured.requestsPerSecond, 2)}×`
      : "";
  return [
    `| ${label}`,
    loadLabel(result, result_.settings),
    fixed(m.requestsPerSecond),
    fixed(m.requestsPerSecond * result.invitees),
    fixed(m.latency.p50, 1),
    fixed(m.latency.p99, 1),
    String(m.errors + (result.warmup?.errors ?? 0)),
    fixed(result.cpuMsPerRequest.server, 2),
    fixed(result.cpuMsPerRequest.database, 2),
    mb(result.peakRssBytes),
    `${ratio} |`,
  ].join(" | ");
}

export function resultsTable(result: BenchResult): string {
  const header = [
    "| case | path | invitees | load | req/s | invitees/s | p50 ms | p99 ms | errors | server CPU ms/req | DB CPU ms/req | peak RSS MB | vs baseline |",
    "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  return [...header, ...result.cases.map((c) => row(c, result))].join("\n");
}

function windowRow(name: string, w: WindowStats): string {
  return `| ${name} | ${fixed(w.requestsPerSecond)} | ${fixed(w.p50, 1)} | ${fixed(w.p99, 1)} | ${w.non2xx} | ${orBlank(w.serverCpuMsPerRequest)} | ${orBlank(w.databaseCpuMsPerRequest)} | ${mb(w.peakRssBytes)} |`;
}

const span = (w: WindowStats) =>
  w.toSeconds - w.fromSeconds >= 60 && w.fromSeconds % 60 === 0 && w.toSeconds % 60 === 0
    ? `min ${w.fromSeconds / 60}–${w.toSeconds / 60}`
    : `${fixed(w.fromSeconds)}–${fixed(w.toSeconds)} s`;

function sustainedSection(cases: readonly MeasuredCase[]): string[] {
  const runs = cases.filter((c) => c.sustained !== undefined);
  if (runs.length === 0) return [];
  const lines = ["", "**Sustained runs** (full load, by the moment responses arrived):"];
  for (const c of runs) {
    const s = c.sustained;
    if (!s) continue;
    const timeout =
      c.callingTimeoutSeconds === 0
        ? "the deployment's calling timeout, an hour: none due"
        : `a ${c.callingTimeoutSeconds} s calling timeout: rings time out throughout`;
    lines.push(
      "",
      `\`${c.id}\` — ${duration(s.seconds)} with ${timeout}; server RSS peak ${mb(s.rss.peakBytes)} MB, ${mb(s.rss.endBytes)} MB at the end.`,
      "",
      "| window | req/s | p50 ms | p99 ms | non-2xx | server CPU ms/req | DB CPU ms/req | peak RSS MB |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      windowRow(`first ${fixed(s.reference.toSeconds)} s`, s.reference),
      ...s.buckets.map((b) => windowRow(span(b), b)),
      windowRow("whole run", s.whole),
    );
  }
  return lines;
}

function ringClockSection(cases: readonly MeasuredCase[]): string[] {
  const runs = cases.filter((c) => c.ringClock !== undefined);
  if (runs.length === 0) return [];
  return [
    "",
    "**Ring clock** (lateness = the sweep's time − the member's deadline, ring time + timeout, from the database; `waited`: after the load, until no rung member was calling):",
    "",
    "| case | timeout | load | rung | timed out | still calling | overdue > 1 s | fired twice | early | late p50 ms | late p99 ms | late max ms | waited s |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...runs.map((c) => {
      const r = c.ringClock;
      if (!r) return "";
      const load =
        c.targetRate === null
          ? `${c.connections} conn`
          : `${c.targetRate} req/s (${c.rateSource ?? ""})`;
      return `| ${c.id} | ${r.timeoutSeconds} s | ${load} | ${r.rung} | ${r.timedOut} | ${r.stillCalling} | ${r.overdue} | ${r.firedTwice} | ${r.early} | ${orBlank(r.lateness?.p50 ?? null, 0)} | ${orBlank(r.lateness?.p99 ?? null, 0)} | ${orBlank(r.lateness?.max ?? null, 0)} | ${orBlank(r.drainSeconds, 1)} |`;
    }),
  ];
}

function instancesSection(cases: readonly MeasuredCase[]): string[] {
  const c = cases.find((x) => x.instances !== undefined);
  const i = c?.instances;
  if (!c || !i) return [];
  const servers = i.servers
    .map(
      (s, n) =>
        `server ${n + 1}: ${fixed(s.requestsPerSecond)} req/s, ${fixed(s.cpuMsPerRequest, 2)} ms CPU per request of the case, peak RSS ${mb(s.peakRssBytes)} MB`,
    )
    .join("; ");
  return [
    "",
    `**Two instances** (\`${c.id}\`, a database of their own): ${servers}; \`pnpm worker\`: ${fixed(i.worker.cpuMsPerRequest, 2)} ms CPU per request, peak RSS ${mb(i.worker.peakRssBytes)} MB. Total ${fixed(c.measured.requestsPerSecond)} req/s = ${fixed(c.measured.requestsPerSecond * c.invitees)} invites/s.`,
  ];
}

function channelSection(cases: readonly MeasuredCase[]): string[] {
  const c = cases.find((x) => x.channel !== undefined);
  const ch = c?.channel;
  if (!c || !ch) return [];
  const latency = (l: typeof ch.sameInstance) =>
    `p50 ${fixed(l.p50)} ms, p99 ${fixed(l.p99)} ms, max ${fixed(l.max)} ms (${l.count} rings)`;
  return [
    "",
    `**User channel** (\`${c.id}\`, two servers on a database of their own): with ${ch.idleSubscribers} idle subscribers connected (half on each server), server 1 took ${fixed(c.measured.requestsPerSecond)} invites/s flat out vs ${fixed(ch.withoutSubscribers.requestsPerSecond)} without (${fixed(ch.throughputRatio * 100)} %); memory per idle subscriber ${fixed(ch.memoryPerIdleSubscriberBytes / 1024, 1)} KiB (RSS growth of both servers); peak RSS ${mb(c.peakRssBytes)} MB (the larger server). Invite commit → ring at a subscriber, at ${fixed(ch.latencyRate)} invites/s through server 1: subscriber on server 1 ${latency(ch.sameInstance)}; on server 2 ${latency(ch.otherInstance)}. Missing rings ${ch.missingRings}, duplicates ${ch.duplicateRings}, invite errors ${ch.inviteErrors}.`,
  ];
}

function shared(result: BenchResult): string {
  const busy = result.cases.filter(isMeasured).map((c) => c.backgroundCpuBusy);
  const worst = busy.length === 0 ? 0 : Math.max(...busy);
  return worst > 0.15
    ? `**Shared machine**: up to ${fixed(worst * 100)}% of the CPUs were busy while the benchmark sent nothing, just before a case (other users' work or background work such as autovacuum; load average at start ${result.loadAverageAtStart.join(", ")}; see the JSON's \`backgroundCpuBusy\`).`
    : `The machine was otherwise quiet: at most ${fixed(worst * 100)}% of the CPUs busy while the benchmark sent nothing before a case (load average at start ${result.loadAverageAtStart.join(", ")}).`;
}

export function resultsMarkdown(result: BenchResult): string {
  const m = result.machine;
  const s = result.settings;
  const measured = result.cases.filter(isMeasured);
  const checks = measured.filter((c) => !c.check.ok);
  const longer = [
    measured.some((c) => c.kind === "sustained")
      ? `sustained: ${duration(s.sustainedSeconds)}, after a warm-up longer by its calling timeout, if it has one`
      : "",
    measured.some((c) => c.kind === "timeouts")
      ? `timeout accuracy: ${duration(s.timeoutsSeconds)}`
      : "",
  ].filter(Boolean);
  const lines = [
    `Run ${result.startedAt} (${result.mode}) · ${m.cpuCount} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB · Node ${m.node} · ${m.postgres} · commit ${m.gitCommit}${m.gitDirty ? " + local changes" : ""}`,
    "",
    `Concurrency ${s.connections}, ${s.warmupSeconds} s warm-up then ${s.durationSeconds} s measured per case${longer.length > 0 ? ` (${longer.join("; ")})` : ""}; pool: app server ${s.poolMax.server}, baseline ${s.poolMax.baseline}. REST is \`pnpm start\`'s HTTP entry (the HiAR paths answered by the entry itself, tRPC handed to Next.js), its worker in-process (two-instance case: \`WORKER_IN_SERVER=0\` and one \`pnpm worker\`). Latencies are of 2xx responses; errors count non-2xx answers, socket errors and timeouts (warm-up included); vs baseline is the req/s ratio at the same invitee count; CPU ms/req is the CPU time of the server's processes and of its PostgreSQL backends per request (robust to other load on the machine, unlike req/s).`,
    "",
    `Planner statistics: ANALYZE after each case's provisioning; then ${s.statistics}.`,
    "",
    shared(result),
    "",
    resultsTable(result),
    ...sustainedSection(measured),
    ...ringClockSection(measured),
    ...instancesSection(measured),
    ...channelSection(measured),
    "",
    "| target | status | measured |",
    "| --- | --- | --- |",
    ...evaluateTargets(result.cases).map((t) => `| ${t.target} | **${t.status}** | ${t.detail} |`),
  ];
  if (checks.length > 0) {
    lines.push("", `Data check failed for ${checks.map((c) => c.id).join(", ")} (see the JSON).`);
  }
  return lines.join("\n");
}

import type { BenchResult, CaseResult } from "../results";
import { isMeasured } from "../results";
import { evaluateTargets } from "./targets";

// The results as Markdown: one table of cases, then the targets. Printed and put in BENCHMARKS.md.

const fixed = (n: number, digits = 0) => n.toFixed(digits);
const PATH_LABEL = {
  rest: "REST (Next.js)",
  trpc: "tRPC (Next.js)",
  baseline: "baseline",
} as const;

/** The baseline case a project case is compared with: same invitees and same load shape. */
function baselineOf(result: CaseResult, cases: readonly CaseResult[]): CaseResult | undefined {
  if (result.path === "baseline") return undefined;
  const suffix = result.id.includes("@") ? `@${result.id.split("@")[1]}` : "";
  return cases.find((c) => c.id === `baseline-${result.invitees}${suffix}`);
}

function row(result: CaseResult, cases: readonly CaseResult[]): string {
  const label = `${result.id} | ${PATH_LABEL[result.path]} | ${result.invitees}`;
  if (!isMeasured(result)) return `| ${label} | skipped: ${result.skipped} ||||||||||`;
  const m = result.measured;
  const load =
    result.targetRate === null ? `${result.connections} conn` : `${result.targetRate} req/s`;
  const base = baselineOf(result, cases);
  const ratio =
    base && isMeasured(base) && result.targetRate === null
      ? `${fixed(m.requestsPerSecond / base.measured.requestsPerSecond, 2)}×`
      : "";
  return [
    `| ${label}`,
    load,
    fixed(m.requestsPerSecond),
    fixed(m.requestsPerSecond * result.invitees),
    fixed(m.latency.p50, 1),
    fixed(m.latency.p99, 1),
    String(m.errors + (result.warmup?.errors ?? 0)),
    fixed(result.cpuMsPerRequest.server, 2),
    fixed(result.cpuMsPerRequest.database, 2),
    fixed(result.peakRssBytes / 2 ** 20),
    `${ratio} |`,
  ].join(" | ");
}

export function resultsTable(result: BenchResult): string {
  const header = [
    "| case | path | invitees | load | req/s | invitees/s | p50 ms | p99 ms | errors | server CPU ms/req | DB CPU ms/req | peak RSS MB | vs baseline |",
    "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  return [...header, ...result.cases.map((c) => row(c, result.cases))].join("\n");
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
  const checks = result.cases.filter(isMeasured).filter((c) => !c.check.ok);
  const lines = [
    `Run ${result.startedAt} (${result.mode}) · ${m.cpuCount} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB · Node ${m.node} · ${m.postgres} · commit ${m.gitCommit}${m.gitDirty ? " + local changes" : ""}`,
    "",
    `Concurrency ${result.settings.connections}, ${result.settings.warmupSeconds} s warm-up then ${result.settings.durationSeconds} s measured per case; pool: Next.js ${result.settings.poolMax.rest}, baseline ${result.settings.poolMax.baseline}. Latencies are of 2xx responses; errors count non-2xx answers, socket errors and timeouts (warm-up included); vs baseline is the req/s ratio at the same invitee count; CPU ms/req is the CPU time of the server's processes and of its PostgreSQL backends per request (robust to other load on the machine, unlike req/s).`,
    "",
    shared(result),
    "",
    resultsTable(result),
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

// Measures what one invite costs through the domain on PostgreSQL, in-process: Node CPU and wall
// per invite, 8 at a time, and the CPU of the database backends serving it. Not a test: a tool to
// compare the invite's SQL before and after a change (apps/bench measures the whole server).
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//     pnpm --filter @collab/domain measure:invite [--count 2000] [--invitees 5]
//     [--contended]   (all 8 workers invite into one session: the optimistic path's worst case)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CreateCollaborationRequest, InviteSessionRequest } from "@collab/contracts";
import { createApp, createDb } from "@collab/db";
import { createTestDatabase } from "@collab/db/testing";
import { createCollaboration } from "../src/create-collaboration";
import { inviteSession } from "../src/invite-session";
import { contextFor } from "../src/test-support";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "2000" },
    invitees: { type: "string", default: "5" },
    workers: { type: "string", default: "8" },
    contended: { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const invitees = Number(values.invitees);
const workers = Number(values.workers);
const perSession = Math.floor(400 / invitees);

function backendCpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {}
  }
  return total;
}

const scratch = await createTestDatabase({ target: "postgres" });
const db = await createDb({ databaseUrl: scratch.url, poolMax: 10 });
try {
  const app = await createApp(db.prisma, { name: "measure" });
  const ctx = contextFor(db.prisma, app.id, "measure");
  type Session = { collaborationID: string; sessionID: string; creator: string };
  let created = 0;
  const newSessions = async (n: number) => {
    const list: Session[] = [];
    for (let i = 0; i < n; i++) {
      const creator = `creator-${created++}`;
      const s = await createCollaboration(
        ctx,
        CreateCollaborationRequest.parse({ userID: creator }),
      );
      list.push({ ...s, creator });
    }
    return list;
  };
  let next = 0;
  const request = (session: Session) =>
    InviteSessionRequest.parse({
      collaborationID: session.collaborationID,
      sessionID: session.sessionID,
      userID: session.creator,
      members: Array.from({ length: invitees }, () => ({ userID: `u${next++}` })),
    });
  // Sessions made beforehand, each taking `perSession` invites (room under the limit of 500):
  // one list per worker, or (contended) one list all workers take from in turn.
  const lanes = async (n: number): Promise<(() => Session)[]> => {
    const per = Math.ceil(n / workers);
    if (values.contended) {
      const shared = await newSessions(Math.ceil((per * workers) / perSession));
      let taken = 0;
      const pick = () => shared[Math.floor(taken++ / perSession)] as Session;
      return Array.from({ length: workers }, () => pick);
    }
    const pickers: (() => Session)[] = [];
    for (let w = 0; w < workers; w++) {
      const own = await newSessions(Math.ceil(per / perSession));
      let taken = 0;
      pickers.push(() => own[Math.floor(taken++ / perSession)] as Session);
    }
    return pickers;
  };
  const run = async (pickers: (() => Session)[], n: number, latencies: number[] | null) => {
    await Promise.all(
      pickers.map(async (pick) => {
        for (let i = 0; i < Math.ceil(n / workers); i++) {
          const body = request(pick());
          const t0 = performance.now();
          await inviteSession(ctx, body, { callingTimeoutSeconds: 3600 });
          latencies?.push(performance.now() - t0);
        }
      }),
    );
  };
  await run(await lanes(workers * 20), workers * 20, null);
  // Planner statistics, as a database in service has (the benchmark's fixtures do the same).
  await db.prisma.$executeRaw`ANALYZE`;
  const rows = await db.prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'collab'`;
  const pids = rows.map((r) => r.pid);
  const latencies: number[] = [];
  const pickers = await lanes(count);
  const dbBefore = backendCpuMs(pids);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run(pickers, count, latencies);
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const dbMs = backendCpuMs(pids) - dbBefore;
  const total = latencies.length;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(total - 1, Math.floor(p * total))] ?? 0;
  console.log(
    JSON.stringify({
      invites: total,
      invitees,
      workers,
      contended: values.contended,
      nodeCpuMsPerInvite: +((used.user + used.system) / 1000 / total).toFixed(3),
      dbCpuMsPerInvite: +(dbMs / total).toFixed(3),
      invitesPerSecond: +((total / wall) * 1000).toFixed(0),
      wallMs: {
        mean: +(latencies.reduce((a, b) => a + b, 0) / total).toFixed(2),
        p50: +q(0.5).toFixed(2),
        p99: +q(0.99).toFixed(2),
      },
    }),
  );
} finally {
  await db.close();
  await scratch.close();
}

import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createCaller } from "@collab/api";
import { InviteSessionRequest, parseOrThrow } from "@collab/contracts";
import { consumeNonce, createDb, findAppSecret } from "@collab/db";
import { inviteSession } from "@collab/domain";
import pg from "pg";
import { invite as baselineInvite } from "../baseline/invite";
import { pgExecutor } from "../baseline/pg-executor";
import { analyze, createBenchApp, provisionTargets } from "../database/fixtures";
import { createScratchDatabase } from "../database/scratch-database";
import { inviteBody } from "../load/invite-request";
import { TargetPool } from "../load/target-pool";
import { APP_APPLICATION_NAME } from "../servers/app-server";
import { type LayerCost, measure } from "./measure";

// `pnpm --filter @collab/bench layers`: what each step of the invite costs in CPU (this process
// and the database) through the project's layers (Prisma, domain, tRPC caller) and as the
// baseline runs it (pg), in-process, without HTTP. The REST path's server CPU per request minus
// these is what Next.js itself costs. Uses DATABASE_URL like the benchmark.

const { values } = parseArgs({
  options: {
    invitees: { type: "string", default: "5" },
    count: { type: "string", default: "2000" },
  },
});
const invitees = Number(values.invitees);
const count = Number(values.count);
const PG_APPLICATION_NAME = "collab-bench-layers";

const database = await createScratchDatabase(
  process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/postgres",
);
const admin = new pg.Pool({ connectionString: database.url, max: 2 });
const prismaDb = await createDb({ databaseUrl: database.url });
const pgPool = new pg.Pool({
  connectionString: database.url,
  max: 10,
  application_name: PG_APPLICATION_NAME,
});
try {
  const app = await createBenchApp(admin);
  const pool = new TargetPool(invitees);
  pool.add(await provisionTargets(admin, app.id, pool.sessionsFor(4 * count) + 64));
  await analyze(admin);
  const next = () => {
    const assignment = pool.take();
    if (assignment === null) throw new Error("out of sessions");
    return parseOrThrow(InviteSessionRequest, inviteBody(assignment));
  };
  const ctx = {
    db: prismaDb.prisma,
    app: { id: app.id },
    trace: { id: "layers" },
    // Like the benchmark's servers (HIAR_CALLING_TIMEOUT_SECONDS=3600): no ring falls due.
    settings: { callingTimeoutSeconds: 3600, webhooksAllowPrivateNetworks: false },
  };
  // The baseline runs the same repository functions, through pg instead of Prisma.
  const viaPg = pgExecutor(pgPool) as typeof prismaDb.prisma;
  const nonce = () => ({
    appId: app.id,
    nonce: randomUUID(),
    expiresAt: new Date(Date.now() + 3e5),
  });

  const rows: [string, LayerCost, LayerCost | null][] = [];
  const project = (op: () => Promise<unknown>) => measure(admin, APP_APPLICATION_NAME, count, op);
  const base = (op: () => Promise<unknown>) => measure(admin, PG_APPLICATION_NAME, count, op);
  rows.push([
    "app secret lookup",
    await project(() => findAppSecret(prismaDb.prisma, app.id)),
    await base(() => findAppSecret(viaPg, app.id)),
  ]);
  rows.push([
    "nonce insert",
    await project(() => consumeNonce(prismaDb.prisma, nonce())),
    await base(() => consumeNonce(viaPg, nonce())),
  ]);
  rows.push([
    `invite (domain through Prisma vs the baseline through pg), ${invitees} invitees`,
    await project(() => inviteSession(ctx, next())),
    await base(() => baselineInvite(pgPool, app.id, next(), "layers")),
  ]);
  rows.push([
    "the same through tRPC createCaller",
    await project(() => createCaller(ctx).session.invite(next())),
    null,
  ]);

  const f = (n: number) => n.toFixed(3);
  console.log(`| step | project Node ms | project DB ms | baseline Node ms | baseline DB ms |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  for (const [name, p, b] of rows) {
    console.log(
      `| ${name} | ${f(p.nodeMs)} | ${f(p.dbMs)} | ${b ? f(b.nodeMs) : ""} | ${b ? f(b.dbMs) : ""} |`,
    );
  }
} finally {
  await prismaDb.close();
  await pgPool.end();
  await admin.end();
  await database.drop();
}

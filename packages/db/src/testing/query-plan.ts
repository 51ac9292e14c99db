import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { DbExecutor } from "../repositories/executor";

// What the plan tests (a statement's plan asserted under stale statistics) share: a node of
// EXPLAIN (FORMAT JSON)'s output, a walk over it, and the app with its collaborations and
// sessions they seed.

export interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly Operation?: string;
  readonly "Subplan Name"?: string;
  readonly Plans?: readonly PlanNode[];
}

/** `node` and every node under it, subplans (CTEs, scalar subqueries) included. */
export function allPlanNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(allPlanNodes)];
}

/** EXPLAIN (FORMAT JSON)'s one row, as PostgreSQL (JSON) or PGlite (text) returns it. */
export function parsePlan(row: { "QUERY PLAN": unknown } | undefined): PlanNode {
  const raw = row?.["QUERY PLAN"];
  return ((typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }])[0].Plan;
}

/** App `plan` with `count` collaborations and one session in each (ids: the number, in hex). */
export async function seedPlanSessions(prisma: PrismaClient, count: number): Promise<void> {
  await prisma.$executeRaw`INSERT INTO "app" ("id", "name", "secret") VALUES ('plan', 'plan', 's')`;
  await prisma.$executeRaw`
    INSERT INTO "collaboration" ("id", "app_id", "creator_id", "updated_at")
    SELECT lpad(to_hex(g), 32, '0'), 'plan', 'c', now() FROM generate_series(1, ${count}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO "session" ("id", "app_id", "collaboration_id", "updated_at")
    SELECT lpad(to_hex(g), 32, '0'), 'plan', lpad(to_hex(g), 32, '0'), now()
    FROM generate_series(1, ${count}::int) g`;
}

/** The statement and parameters `run` sends through its executor, captured instead of run. */
export async function captureStatement(
  run: (db: DbExecutor) => Promise<unknown>,
): Promise<Prisma.Sql> {
  let captured: Prisma.Sql | undefined;
  const capture = {
    $queryRaw(strings: TemplateStringsArray, ...values: unknown[]) {
      captured ??= Prisma.sql(strings, ...values);
      return Promise.resolve([]);
    },
  } as unknown as DbExecutor;
  await run(capture);
  if (captured === undefined) throw new Error("the function sent no statement");
  return captured;
}

/** A parameter value as an SQL literal for `EXECUTE name(…)` (arrays as array literals). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return String(value);
  const text = Array.isArray(value)
    ? `{${value.map((item) => `"${String(item).replace(/["\\]/g, "\\$&")}"`).join(",")}}`
    : String(value);
  return `'${text.replaceAll("'", "''")}'`;
}

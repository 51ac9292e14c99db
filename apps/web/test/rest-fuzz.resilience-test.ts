import { HIAR_OPERATIONS, type HiarOperationName } from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzCase } from "./rest-fuzz/arbitraries";
import { FuzzFailure, Lane } from "./rest-fuzz/lane";
import { startTestServer, type TestServer } from "./server";
import {
  addCounts,
  NO_ROWS,
  openTableCounter,
  type TableCounter,
  type TableCounts,
} from "./table-counts";

// Property-based fuzzing of every documented REST operation (docs/errors.md: bad input is a
// documented envelope and changes nothing), against
// the production build on a real database. Each operation gets its own app ("lane") and at least
// FUZZ_RUNS generated signed requests: valid bodies built from the lane's live model of its
// sessions (real IDs, members in the right states), mutated or not, and garbage of every kind
// (rest-fuzz/arbitraries.ts). Every answer must be a documented envelope with the catalogue's
// status and no 5xx; every answer must be the one the contract dictates (a refused body gets the
// contract's INVALID_PARAM message); and on PostgreSQL, after every request, the app's rows must
// be exactly the rows the model says its 200s wrote: a refused request writes nothing.
//
// FUZZ_RUNS (default 2000) sets the requests per operation on PostgreSQL; FUZZ_RUNS_PGLITE
// (default 500) on PGlite, which runs each query through one connection and cannot be counted
// from outside. FUZZ_SEED replays a run (the seed is printed, and is in every failure).

const RUNS = positiveInt("FUZZ_RUNS", 2000);
const RUNS_PGLITE = positiveInt("FUZZ_RUNS_PGLITE", 500);
const SEED = positiveInt("FUZZ_SEED", Date.now() % 2 ** 31);

const OPERATIONS = Object.keys(HIAR_OPERATIONS) as HiarOperationName[];

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be an integer ≥ 0`);
  return value;
}

describe.each(testDatabaseTargets())("REST fuzz on %s", (target) => {
  let server: TestServer;
  let tables: TableCounter | undefined;
  /** All apps' rows before the lanes provisioned anything. */
  let initial: TableCounts | undefined;
  const lanes: Lane[] = [];
  const runs = target === "postgres" ? RUNS : RUNS_PGLITE;

  beforeAll(async () => {
    server = await startTestServer(target, {
      appCount: OPERATIONS.length,
      env: {
        // Nothing may hide behind a 429.
        HIAR_RATE_LIMIT_PER_SECOND: "0",
        HIAR_RATE_LIMIT_BURST: "0",
        // No calling timeout fires during the run, so the model alone moves members.
        HIAR_CALLING_TIMEOUT_SECONDS: "86400",
        // One line per request would be tens of megabytes of test output.
        LOG_LEVEL: "warn",
      },
    });
    tables = await openTableCounter(server);
    initial = await tables?.counts();
    const foreignSession = (self: Lane) => (pick: number) => {
      const others = lanes.filter((lane) => lane !== self).flatMap((l) => [...l.sessions.values()]);
      return others[pick % Math.max(1, others.length)];
    };
    OPERATIONS.forEach((name, i) => {
      const app = server.apps[i];
      if (!app) throw new Error(`app ${i} was not provisioned`);
      const lane: Lane = new Lane(name, server, app, tables, (pick) => foreignSession(lane)(pick));
      lanes.push(lane);
    });
    for (const lane of lanes) await lane.start();
  });
  afterAll(async () => {
    await tables?.close();
    await server?.stop();
  });

  it(
    `answers ${runs} generated requests per operation with documented envelopes, writing only what 200s explain`,
    async () => {
      const startedAt = Date.now();
      // Lanes run side by side (one app each, so each one's row counts are its own); each lane's
      // requests go one at a time, so every count is taken between two requests.
      const results = await Promise.allSettled(
        lanes.map((lane, i) =>
          fc.assert(
            fc.asyncProperty(fuzzCase, async (recipe) => {
              await lane.run(recipe);
            }),
            // The failing request and the answer (FuzzFailure's message) go into the report,
            // beside the shrunk recipe.
            { numRuns: runs, seed: SEED + i, includeErrorInReport: true },
          ),
        ),
      );

      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      const summary = lanes.map((lane) => {
        const statuses = [...lane.stats.byStatus]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(" ");
        return (
          `  ${lane.operation.path.padEnd(18)} ${String(lane.stats.fuzz).padStart(5)} fuzz ` +
          `(${lane.stats.reachedDomain} reached the domain) + ${lane.stats.setup} setup; ${statuses}`
        );
      });
      console.log(
        `REST fuzz on ${target}: seed ${SEED} (FUZZ_SEED), ${seconds} s\n${summary.join("\n")}`,
      );

      const failures = results.flatMap((result, i) =>
        result.status === "rejected"
          ? [
              `${lanes[i]?.operation.path} (run with FUZZ_SEED=${SEED}):\n${errorText(result.reason)}`,
            ]
          : [],
      );
      expect(failures, failures.join("\n\n")).toEqual([]);
      for (const lane of lanes) expect(lane.stats.fuzz).toBeGreaterThanOrEqual(runs);

      // Every member state and session the server shows is the model's (both targets).
      const differences = await Promise.all(lanes.map((lane) => lane.verify()));
      for (const [i, lane] of lanes.entries()) {
        expect(differences[i], lane.operation.path).toEqual([]);
      }

      // Across apps too: all rows are what the lanes' 200s explain (no write landed in another app).
      if (tables && initial) {
        const explained = lanes.reduce((sum, lane) => addCounts(sum, lane.explained), NO_ROWS);
        expect(await tables.counts()).toEqual(addCounts(initial, explained));
      }
      expect(server.output()).not.toMatch(/unhandled error/);
    },
    600_000 + runs * 200,
  );
});

function errorText(error: unknown): string {
  if (error instanceof FuzzFailure || error instanceof Error) return error.message;
  return String(error);
}

import { appRouter, type Caller, createCaller, toHiarError } from "@collab/api";
import { HIAR_OPERATIONS, type HiarError, parseOrThrow } from "@collab/contracts";
import type { Database } from "@collab/db";
import { describe, expect, it } from "vitest";
import type { RestBinding } from "./hiar-route";
import * as operations from "./operations";

// The REST adapter no longer parses the body itself: each binding hands the JSON to a procedure
// whose `.input()` is the operation's contract. These tests hold that true, and hold the
// procedure's INVALID_PARAM to what the adapter's own parse (parseOrThrow) answered before.

type Procedure = { _def: { inputs: unknown[] } };

const bindings = Object.entries(operations) as [string, RestBinding<never, unknown>][];

/** The procedure path a binding calls, recorded by a caller that calls nothing. */
async function procedurePathOf(binding: RestBinding<never, unknown>): Promise<string> {
  let called: string | undefined;
  const recorder = (path: string[]): unknown =>
    new Proxy(() => {}, {
      get: (_target, key) => recorder([...path, String(key)]),
      apply: () => {
        called = path.join(".");
        return Promise.resolve({ collaborationID: "c", sessionID: "s", infos: [] });
      },
    });
  await binding.run(recorder([]) as Caller, {} as never).catch(() => {});
  if (called === undefined) throw new Error("the binding called no procedure");
  return called;
}

/** A caller whose database is never reached: input validation fails first. */
const caller = createCaller({
  db: new Proxy({} as Database, {
    get: () => {
      throw new Error("the database must not be reached");
    },
  }),
  app: { id: "app-under-test" },
  trace: { id: "operations-test" },
});

const INVALID_BODIES: unknown[] = [
  null,
  42,
  "text",
  [],
  {},
  { collaborationID: 1 },
  { collaborationID: "", sessionID: "s", userID: "u" },
  { collaborationID: "c", sessionID: "s", userID: "u", memberID: 7 },
  { collaborationID: "c", sessionID: "s", userID: "u", members: "bob" },
  {
    collaborationID: "c",
    sessionID: "s",
    userID: "u",
    members: [{ userID: "ok" }, { userID: "" }],
  },
  {
    collaborationID: "c",
    sessionID: "s",
    userID: "u",
    members: [{ userID: "b", deviceType: "x" }],
  },
  { userID: "u", limit: -1 },
  { userID: "u", beginTime: "yesterday" },
  { userID: "u", members: [{ userID: "a", roles: ["x"] }], ruleSettings: { numberLimit: "2" } },
  { userID: "x".repeat(10_000) },
];

async function refusalOf(promise: Promise<unknown>): Promise<HiarError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return toHiarError(error);
  }
}

describe("REST bindings", () => {
  it("bind every documented operation once", () => {
    const paths = bindings.map(([, binding]) => binding.operation.path).sort();
    expect(paths).toEqual(
      Object.values(HIAR_OPERATIONS)
        .map((op) => op.path)
        .sort(),
    );
  });

  it.each(bindings)(
    "%s calls a procedure whose input is the operation's contract",
    async (_, binding) => {
      const path = await procedurePathOf(binding);
      const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;
      const procedure = procedures[path];
      expect(procedure?._def.inputs).toEqual([binding.operation.request]);
      expect(procedure?._def.inputs[0]).toBe(binding.operation.request);
    },
  );

  it.each(bindings)(
    "%s refuses invalid bodies exactly as parsing with the contract did",
    async (_, binding) => {
      let refused = 0;
      for (const body of INVALID_BODIES) {
        let expected: HiarError | undefined;
        try {
          parseOrThrow(binding.operation.request, body);
        } catch (error) {
          expected = error as HiarError;
        }
        if (expected === undefined) continue;
        refused++;
        const actual = await refusalOf(binding.run(caller, body as never));
        expect(actual, JSON.stringify(body).slice(0, 80)).toBeDefined();
        expect({ reason: actual?.reason, message: actual?.message, field: actual?.field }).toEqual({
          reason: expected.reason,
          message: expected.message,
          field: expected.field,
        });
      }
      expect(refused).toBeGreaterThan(5);
    },
  );
});

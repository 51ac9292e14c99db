import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_EXAMPLE_REQUIRED, envExample } from "./env-example";
import { loadSettings } from "./load";
import { VARIABLE_NAMES, type VariableName } from "./variables";

const file = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");

/** `NAME=value` lines (set) and `# NAME=` lines (listed at their default). */
function parse(text: string): { set: Map<string, string>; listed: string[] } {
  const set = new Map<string, string>();
  const listed: string[] = [];
  for (const line of text.split("\n")) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (assignment) set.set(assignment[1] as string, assignment[2] as string);
    const commented = /^# ([A-Z_][A-Z0-9_]*)=$/.exec(line);
    if (commented) listed.push(commented[1] as string);
  }
  return { set, listed };
}

describe(".env.example (the repository root's; compose.yaml's .env is a copy of it)", () => {
  it("is the schema's rendering (`pnpm --filter @collab/settings readme` rewrites it)", () => {
    expect(file).toBe(envExample());
  });

  it("names only known settings, each once, and lists every one", () => {
    const { set, listed } = parse(file);
    const names = [...set.keys(), ...listed];
    const known = new Set<string>(VARIABLE_NAMES);
    expect(names.filter((name) => !known.has(name))).toStrictEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toStrictEqual([...VARIABLE_NAMES].sort());
  });

  it("sets what a deployment on PostgreSQL must set", () => {
    const { set } = parse(file);
    for (const name of ENV_EXAMPLE_REQUIRED) expect(set.has(name), name).toBe(true);
    expect(set.get("DATABASE_URL")).toMatch(/^postgres(ql)?:\/\//);
  });

  it("holds values the settings accept once its secret is filled in", () => {
    const { set } = parse(file);
    const env: Record<string, string> = Object.fromEntries(set);
    env.CONSOLE_SESSION_SECRET = "x".repeat(48);
    const settings = loadSettings(env);
    expect(settings.database.databaseUrl).toBe(set.get("DATABASE_URL"));
    expect(settings.worker.inServer).toBe(false);
    expect(settings.server.development).toBe(false);
  });

  it("fails on a variable that is not a setting", () => {
    const { set } = parse(`${file}\nNOT_A_SETTING=1\n`);
    const unknown = [...set.keys()].filter(
      (name) => !(VARIABLE_NAMES as readonly string[]).includes(name as VariableName),
    );
    expect(unknown).toStrictEqual(["NOT_A_SETTING"]);
  });
});

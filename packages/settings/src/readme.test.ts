import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REFERENCE_END, REFERENCE_START, settingsReference } from "./reference";
import { VARIABLE_NAMES, variableMeta } from "./variables";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README.md", () => {
  it("holds the settings reference as the schema renders it (`pnpm --filter @collab/settings readme`)", () => {
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END) + REFERENCE_END.length;
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start, end)).toBe(settingsReference());
  });

  it("documents every variable of the schema, with its default", () => {
    for (const name of VARIABLE_NAMES) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` `));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(variableMeta(name).default);
    }
  });
});

import { GROUPS, type Group, VARIABLE_NAMES, variableMeta } from "./variables";

// The README's reference of every setting, rendered from the schema's metadata: one table per
// group. README.md holds it between the two markers; `pnpm --filter @collab/settings readme`
// rewrites it and readme.test.ts fails when it is stale.

export const REFERENCE_START = "<!-- settings reference: generated from src/variables.ts -->";
export const REFERENCE_END = "<!-- end of settings reference -->";

function table(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const [header, ...body] = rows;
  return [
    line(header ?? []),
    `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`,
    ...body.map(line),
  ].join("\n");
}

/** Markdown: a `###` heading and a table (variable, default, value, meaning) per group. */
export function settingsReference(): string {
  const sections = (Object.keys(GROUPS) as Group[]).map((group) => {
    const rows = VARIABLE_NAMES.filter((name) => variableMeta(name).group === group).map((name) => {
      const meta = variableMeta(name);
      return [`\`${name}\``, meta.default, meta.rule, meta.description];
    });
    return `### ${GROUPS[group]}\n\n${table([["variable", "default", "value", "meaning"], ...rows])}`;
  });
  return `${REFERENCE_START}\n\n${sections.join("\n\n")}\n\n${REFERENCE_END}`;
}

/** `readme` with its reference block replaced by the current one. */
export function withCurrentReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md lacks the markers ${REFERENCE_START} … ${REFERENCE_END}`);
  }
  return readme.slice(0, start) + settingsReference() + readme.slice(end + REFERENCE_END.length);
}

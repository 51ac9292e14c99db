import { GROUPS, type Group, VARIABLE_NAMES, type VariableName, variableMeta } from "./variables";

// The repository's .env.example, rendered from the schema's metadata like the README's reference
// (`pnpm --filter @collab/settings readme` rewrites both; env-example.test.ts fails when the file
// is stale). compose.yaml hands a copy of it, .env, to every container: the variables a
// deployment on PostgreSQL must set are uncommented, every other setting is listed commented out
// at its default.

/** What the example sets, for the deployment compose.yaml describes, and why. */
export const ENV_EXAMPLE_VALUES: Readonly<
  Partial<Record<VariableName, readonly [string, string]>>
> = {
  NODE_ENV: ["production", "the server, the worker and the commands run in production mode"],
  DATABASE_URL: [
    "postgres://collab:change-me@postgres:5432/collab",
    "compose.yaml's PostgreSQL (change the password there and here together)",
  ],
  CONSOLE_SESSION_SECRET: [
    "",
    "required: set it, e.g. `openssl rand -base64 48` (empty: console sign-in is disabled)",
  ],
  WORKER_IN_SERVER: ["0", "compose.yaml runs the worker as its own service"],
};

/** Variables a deployment's .env must set (uncommented in the example). */
export const ENV_EXAMPLE_REQUIRED: readonly VariableName[] = [
  "DATABASE_URL",
  "CONSOLE_SESSION_SECRET",
];

export function envExample(): string {
  const lines = [
    "# The server's, the worker's and the commands' settings (packages/settings/README.md has the",
    "# full reference). Copy to .env for compose.yaml: `cp .env.example .env`, then set the secrets.",
    "# Generated from packages/settings/src/variables.ts by `pnpm --filter @collab/settings readme`.",
    "# Unset or empty means the default. Never commit .env.",
  ];
  for (const group of Object.keys(GROUPS) as Group[]) {
    lines.push("", `# ── ${GROUPS[group]} ──`);
    for (const name of VARIABLE_NAMES.filter((n) => variableMeta(n).group === group)) {
      const meta = variableMeta(name);
      lines.push("", `# ${meta.description}`, `# value: ${meta.rule}; default: ${meta.default}`);
      const example = ENV_EXAMPLE_VALUES[name];
      if (example === undefined) {
        lines.push(`# ${name}=`);
      } else {
        lines.push(`# here: ${example[1]}`, `${name}=${example[0]}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

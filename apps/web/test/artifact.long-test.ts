import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, lstat, mkdtemp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateCollaborationResponse, EMPTY_ANY, QueryByUserResponse } from "@collab/contracts";
import { createTestDatabase, type TestDatabase } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// The deployable artifact (apps/web/README.md, "The deployable artifact"): the folder `pnpm build`
// leaves in <distDir>/standalone is copied to a fresh temporary directory outside the repository
// and every process is started from the copy with `node`, in that directory, with HOME there and
// no NODE_PATH or NODE_OPTIONS. Where the machine allows it (Linux, root or a user namespace),
// each process also runs in a mount namespace where the repository is hidden under an empty
// tmpfs, so anything it still needed from the repository fails it.

const appDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const distDir = process.env.NEXT_DIST_DIR ?? ".next";
const artifact = join(appDir, distDir, "standalone");
const migrationsDir = join(repoRoot, "packages", "db", "prisma", "migrations");

const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** An environment of exactly these variables (nothing inherited from the test's process). */
const onlyEnv = (variables: Record<string, string>) => variables as NodeJS.ProcessEnv;

/** Whether processes can be started with the repository hidden (an empty tmpfs mounted over it). */
function canHideRepository(): boolean {
  if (process.platform !== "linux") return false;
  const probe = spawnSync(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      'mount -t tmpfs none "$1" && test ! -e "$1/package.json"',
      "sh",
      repoRoot,
    ],
    { stdio: "ignore", env: onlyEnv({ PATH: SYSTEM_PATH }) },
  );
  return probe.status === 0;
}
const hideRepository = canHideRepository();

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

let copy: string;
let workDir: string;
const running: Run[] = [];

/** Starts `node <copy>/<script> …args` in the work directory, with only `env` and PATH/HOME. */
function runFromCopy(script: string, args: readonly string[], env: Record<string, string>): Run {
  const node = [process.execPath, join(copy, script), ...args];
  const [command, ...argv] = hideRepository
    ? [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t tmpfs none "$1" && shift && exec "$@"',
        "sh",
        repoRoot,
        ...node,
      ]
    : node;
  const child = spawn(command as string, argv, {
    cwd: workDir,
    env: onlyEnv({ PATH: SYSTEM_PATH, HOME: workDir, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const run: Run = {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.push(run);
  return run;
}

/** Runs a command of the copy to its end; fails with its output unless it exits 0. */
async function runToEnd(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  const run = runFromCopy(script, args, env);
  const code = await run.exited;
  expect(code, `${script} ${args.join(" ")}:\n${run.output()}`).toBe(0);
  return run.output();
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Starts the copy's server and waits for /healthz to answer 200; returns its base URL. */
async function startServer(env: Record<string, string>): Promise<{ run: Run; baseUrl: string }> {
  const port = await freePort();
  const run = runFromCopy("server.mjs", [], {
    HOST: "127.0.0.1",
    PORT: String(port),
    CONSOLE_SESSION_SECRET: randomBytes(32).toString("base64url"),
    ...env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await until("the server's /healthz", async () => {
    if (run.child.exitCode !== null) throw new Error(`the server exited:\n${run.output()}`);
    const response = await fetch(`${baseUrl}/healthz`);
    await response.arrayBuffer();
    return response.status === 200 ? true : undefined;
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${run.output()}`);
  });
  return { run, baseUrl };
}

/** The APPID and secret `app-create.mjs` printed. */
function credentialsIn(output: string): Credentials {
  const id = /APPID\s+(\S+)/.exec(output)?.[1];
  const secret = /secret\s+(\S+)/.exec(output)?.[1];
  if (!id || !secret) throw new Error(`no credentials in:\n${output}`);
  return { id, secret };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== "..");
}

/** Every symlink under `root`, with where it resolves (null: broken). */
async function symlinksIn(root: string): Promise<{ path: string; real: string | null }[]> {
  const links: { path: string; real: string | null }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        links.push({ path, real: await realpath(path).catch(() => null) });
      } else if (entry.isDirectory()) {
        await walk(path);
      }
    }
  };
  await walk(root);
  return links;
}

beforeAll(async () => {
  if (!existsSync(join(artifact, "server.mjs"))) {
    throw new Error(
      `${artifact} has no server.mjs: run \`pnpm --filter @collab/web build\` (turbo does it)`,
    );
  }
  workDir = await realpath(await mkdtemp(join(tmpdir(), "collab-artifact-")));
  if (inside(repoRoot, workDir)) throw new Error(`${workDir} is inside the repository`);
  copy = join(workDir, "artifact");
  // As `cp -R` or a container image's COPY do: files copied, symlinks kept as they are.
  await cp(artifact, copy, { recursive: true, verbatimSymlinks: true });
  if (!hideRepository) {
    console.warn(
      "artifact test: cannot hide the repository here (no mount namespace); the processes run " +
        "outside it (cwd, HOME), without NODE_PATH, and the copy's symlinks are checked",
    );
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((run) => run.stop()));
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe("the deployable artifact", () => {
  it("is one folder: its symlinks stay inside it, and it holds the migrations and no sources", async () => {
    const realCopy = await realpath(copy);
    const links = await symlinksIn(copy);
    expect(links.length).toBeGreaterThan(0); // pnpm's layout, kept relative
    const escaping = links.filter(({ real }) => real === null || !inside(realCopy, real));
    expect(escaping).toStrictEqual([]);

    for (const name of ["server", "worker", "migrate", "app-create", "app-webhook"]) {
      expect((await lstat(join(copy, `${name}.mjs`))).isFile(), name).toBe(true);
    }
    const migrations = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const copied = join(copy, "packages", "db", "prisma", "migrations");
    const copiedNames = (await readdir(copied, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(copiedNames.sort()).toStrictEqual(migrations.sort());
    for (const name of migrations) {
      expect(await readFile(join(copied, name, "migration.sql"), "utf8")).toBe(
        await readFile(join(migrationsDir, name, "migration.sql"), "utf8"),
      );
    }
    // Next.js's own server.js would serve the app without the HiAR REST API.
    expect(existsSync(join(copy, "apps", "web", "server.js"))).toBe(false);
    expect(existsSync(join(copy, "apps", "web", "next.config.ts"))).toBe(false);
    expect(existsSync(join(copy, "apps", "web", "src"))).toBe(false);
  });

  it("is what the Dockerfile copies and what it and compose.yaml start", async () => {
    const dockerfile = await readFile(join(repoRoot, "Dockerfile"), "utf8");
    const compose = await readFile(join(repoRoot, "compose.yaml"), "utf8");
    expect(dockerfile).toContain("COPY --from=build /repo/apps/web/.next/standalone ./");
    const started = [...`${dockerfile}\n${compose}`.matchAll(/"node", "([\w-]+\.mjs)"/g)].map(
      (match) => match[1] as string,
    );
    expect(new Set(started)).toStrictEqual(new Set(["server.mjs", "migrate.mjs", "worker.mjs"]));
    for (const script of started) expect(existsSync(join(copy, script)), script).toBe(true);
    // The dependency layer copies every workspace package's manifest before `pnpm install`.
    for (const group of ["apps", "packages"]) {
      for (const entry of await readdir(join(repoRoot, group), { withFileTypes: true })) {
        if (!existsSync(join(repoRoot, group, entry.name, "package.json"))) continue;
        const manifest = `${group}/${entry.name}/package.json`;
        expect(dockerfile, manifest).toContain(`COPY ${manifest} ${group}/${entry.name}/`);
      }
    }
    // .env.example's DATABASE_URL is compose.yaml's PostgreSQL service.
    const example = await readFile(join(repoRoot, ".env.example"), "utf8");
    const databaseUrl = new URL(/^DATABASE_URL=(.*)$/m.exec(example)?.[1] ?? "");
    const composeValue = (name: string) => new RegExp(`${name}: (\\S+)`).exec(compose)?.[1];
    expect(databaseUrl.hostname).toBe("postgres");
    expect(databaseUrl.username).toBe(composeValue("POSTGRES_USER"));
    expect(databaseUrl.password).toBe(composeValue("POSTGRES_PASSWORD"));
    expect(databaseUrl.pathname).toBe(`/${composeValue("POSTGRES_DB")}`);
    expect(compose).toContain("env_file: .env");
  });

  it.skipIf(!hideRepository)("hides the repository from the processes it starts", async () => {
    const check = spawnSync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t tmpfs none "$1" && shift && exec "$@"',
        "sh",
        repoRoot,
        process.execPath,
        "-e",
        `process.exit(require("node:fs").existsSync(${JSON.stringify(join(repoRoot, "package.json"))}) ? 1 : 0)`,
      ],
      { env: onlyEnv({ PATH: SYSTEM_PATH }) },
    );
    expect(check.status).toBe(0);
  });

  describe.skipIf(!process.env.TEST_DATABASE_URL?.trim())("on PostgreSQL", () => {
    let database: TestDatabase;
    let receiver: WebhookReceiver;
    let app: Credentials | undefined;

    beforeAll(async () => {
      database = await createTestDatabase({ target: "postgres", migrate: false });
      receiver = await startWebhookReceiver({
        lookupSecret: (id) => (id === app?.id ? app.secret : null),
      });
    });
    afterAll(async () => {
      await Promise.all(running.map((run) => run.stop()));
      await database?.close();
      await receiver?.close();
    }, 60_000);

    it("migrates a fresh database, registers an app, answers a signed invite; its worker fires the calling timeout and delivers the webhooks", async () => {
      const metricsToken = randomBytes(24).toString("base64url");
      const env = {
        DATABASE_URL: database.url,
        // The test's webhook receiver listens on 127.0.0.1.
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: "1",
      };
      const migrations = (await readdir(migrationsDir, { withFileTypes: true })).filter((entry) =>
        entry.isDirectory(),
      ).length;
      expect(await runToEnd("migrate.mjs", [], env)).toContain(
        `Applied ${migrations} migration(s); ${migrations} applied in all.`,
      );
      expect(await runToEnd("migrate.mjs", [], env)).toContain("No pending migrations");

      app = credentialsIn(
        await runToEnd(
          "app-create.mjs",
          ["--name", "Artifact test", "--webhook-url", receiver.url],
          env,
        ),
      );

      // The worker runs in its own process, from the copy: the server does not ring the clock.
      const { baseUrl } = await startServer({
        ...env,
        WORKER_IN_SERVER: "0",
        HIAR_CALLING_TIMEOUT_SECONDS: "2",
        METRICS_TOKEN: metricsToken,
      });
      const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as {
        database: { kind: string };
        worker: { inServer: boolean };
      };
      expect(health.database.kind).toBe("postgres");
      expect(health.worker.inServer).toBe(false);
      const worker = runFromCopy("worker.mjs", [], { ...env, WORKER_POLL_INTERVAL_MS: "100" });

      const server = { baseUrl };
      const created = await hiarPost(server, app, "/create", { userID: "alice" });
      expect(created.status, created.text).toBe(200);
      const { data } = CreateCollaborationResponse.parse(created.body);
      const ids = { collaborationID: data.collaborationID, sessionID: data.sessionID };
      const invited = await hiarPost(server, app, "/session/invite", {
        ...ids,
        userID: "alice",
        members: [{ userID: "bob" }],
      });
      expect(invited.status, invited.text).toBe(200);
      expect(invited.body).toStrictEqual({
        code: 0,
        reason: "SUCCESS",
        message: "",
        data: EMPTY_ANY,
      });
      // Prometheus metrics (prom-client, traced into the artifact) count the invite.
      const metrics = await fetch(`${baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^collab_requests_total\{[^}]*\} 1$/m);
      const wrong = await hiarPost(server, { ...app, secret: "not-the-secret" }, "/create", {
        userID: "mallory",
      });
      expect(wrong.status).toBe(401);

      const stateOfBob = async () => {
        const response = await hiarPost(server, app as Credentials, "/user/query", {
          userID: "bob",
          history: true,
        });
        return QueryByUserResponse.parse(response.body).data.infos.find(
          (info) => info.collaborationID === ids.collaborationID,
        )?.members.bob?.memberSessionState;
      };
      expect(await stateOfBob()).toBe("MEMBER_CALLING");
      await until(`bob's calling timeout (worker output:\n${worker.output()})`, async () =>
        (await stateOfBob()) === "MEMBER_TIMEOUT" ? true : undefined,
      );
      await until(
        "a verified webhook for the collaboration",
        async () =>
          receiver.received.some(
            (hook) => hook.verified && JSON.stringify(hook.event).includes(ids.collaborationID),
          ) || undefined,
      );
      expect(worker.child.exitCode).toBeNull();
      await worker.stop();
      expect(worker.child.exitCode).toBe(0);
    }, 180_000);
  });

  it("runs on the embedded database: PGlite's files are in it, its data directory too", async () => {
    const created = await runToEnd("app-create.mjs", ["--name", "Embedded"], {});
    const embedded = credentialsIn(created);
    // Without PGLITE_DATA_DIR the embedded database lives in the artifact's own folder.
    expect(existsSync(join(copy, ".data", "pglite"))).toBe(true);
    const { run, baseUrl } = await startServer({});
    const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as {
      database: { kind: string };
    };
    expect(health.database.kind).toBe("pglite");
    const response = await hiarPost({ baseUrl }, embedded, "/create", { userID: "alice" });
    expect(response.status, response.text).toBe(200);
    await run.stop();
    expect(run.child.exitCode).toBe(0);
  }, 180_000);
});

#!/usr/bin/env node
// The README's test commands run through this script, so that `pnpm install && pnpm test` is all a
// fresh machine needs: it provides what the tests need outside node_modules (a Chromium for the
// console's browser tests; curl and openssl for the curl example), decides which databases the
// integration tests run against, then runs the command it is given and exits with its status.
//
//   node scripts/test-setup.mjs turbo run test --continue
//
// Plain Node.js (20+) with no dependencies: it runs before anything else can be trusted to work.
// What it decides is documented in the root README, "Test it".
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import net from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The PostgreSQL the tests use when TEST_DATABASE_URL is unset and it answers (as CI's). */
export const LOCAL_POSTGRES = Object.freeze({
  host: "127.0.0.1",
  port: 5432,
  user: "postgres",
  database: "postgres",
  url: "postgres://postgres@127.0.0.1:5432/postgres",
});

/** Names a Chromium or Chrome executable goes by on PATH, most likely first. */
const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/** Usual absolute locations, for when PATH does not contain them (e.g. a minimal CI PATH). */
const CHROMIUM_LOCATIONS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/snap/bin/chromium",
  "/opt/google/chrome/chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/** Command-line tools the tests run (examples/curl-invite.sh), with their Debian package. */
const TOOLS = [
  { command: "curl", aptPackage: "curl" },
  { command: "openssl", aptPackage: "openssl" },
];

export function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` in the directories of `pathVariable`, or null. */
export function findOnPath(name, pathVariable = process.env.PATH ?? "") {
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * Where the browser tests' Chromium is: `{ path, how }`, `{ path: null }` when there is none, or
 * `{ error }` when CHROMIUM_PATH names something that is not an executable file (an explicit
 * choice is never silently replaced by another browser).
 */
export function findChromium({
  env = process.env,
  names = CHROMIUM_NAMES,
  locations = CHROMIUM_LOCATIONS,
} = {}) {
  const chosen = env.CHROMIUM_PATH?.trim();
  if (chosen) {
    return isExecutableFile(chosen)
      ? { path: chosen, how: "CHROMIUM_PATH" }
      : {
          error:
            `CHROMIUM_PATH=${chosen} is not an executable file. Point it at a Chromium or Chrome ` +
            "executable, or unset it to use (or install) the system's Chromium.",
        };
  }
  for (const name of names) {
    const found = findOnPath(name, env.PATH ?? "");
    if (found) return { path: found, how: "found on PATH" };
  }
  for (const location of locations) {
    if (isExecutableFile(location)) return { path: location, how: "found" };
  }
  return { path: null };
}

/** The Debian packages to install for what is missing: Chromium (if `chromium` is null) and tools. */
export function missingPackages({ chromium, env = process.env, tools = TOOLS }) {
  const packages = [];
  if (chromium.path === null) packages.push("chromium");
  for (const tool of tools) {
    if (findOnPath(tool.command, env.PATH ?? "") === null) packages.push(tool.aptPackage);
  }
  return packages;
}

/** Whether this process may install Debian packages itself: root, with apt-get on PATH. */
export function canInstallWithApt({ uid = process.getuid?.(), env = process.env } = {}) {
  return uid === 0 && findOnPath("apt-get", env.PATH ?? "") !== null;
}

/**
 * Installs Debian packages non-interactively. The package lists are refreshed first only when
 * apt does not know a package (a fresh image ships without lists), and once more if the install
 * fails (stale lists pointing at files the mirror no longer has). `run(command, args)` returns
 * the exit status; it is injectable for tests.
 */
export function aptInstall(packages, { run = runInherited } = {}) {
  let updated = false;
  const update = () => {
    updated = true;
    return run("apt-get", ["update"]) === 0;
  };
  if (packages.some((name) => run("apt-cache", ["show", "--quiet", name], { quiet: true }) !== 0)) {
    if (!update()) return false;
  }
  const install = () => run("apt-get", ["install", "--yes", "--quiet", ...packages]) === 0;
  if (install()) return true;
  return !updated && update() && install();
}

function runInherited(command, args, { quiet = false } = {}) {
  const result = spawnSync(command, args, {
    stdio: quiet ? "ignore" : "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status ?? 1;
}

/** `url` with its password masked, for printing. */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a URL that does not parse)";
  }
}

/**
 * Asks a PostgreSQL server, in its wire protocol, whether `user` gets in without a password and
 * may create databases (the tests create and drop one per file). Resolves `{ ok: true }` or
 * `{ ok: false, reason }`; never rejects. Nothing but the startup handshake and one SELECT.
 */
export function probePostgres({
  host = LOCAL_POSTGRES.host,
  port = LOCAL_POSTGRES.port,
  user = LOCAL_POSTGRES.user,
  database = LOCAL_POSTGRES.database,
  timeoutMs = 3000,
} = {}) {
  return new Promise((resolve) => {
    const where = `${host}:${port}`;
    const socket = net.connect({ host, port });
    let buffer = Buffer.alloc(0);
    let queried = false;
    let mayCreate = false;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer from ${where} within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on("error", (error) =>
      finish({
        ok: false,
        reason:
          error.code === "ECONNREFUSED"
            ? `nothing listens on ${where}`
            : `${where}: ${error.message}`,
      }),
    );
    socket.on("close", () => finish({ ok: false, reason: `${where} closed the connection` }));
    socket.on("connect", () => socket.write(startupMessage(user, database)));
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const length = buffer.readInt32BE(1);
        if (length < 4 || length > 1_000_000) {
          finish({ ok: false, reason: `${where} does not speak PostgreSQL's protocol` });
          return;
        }
        if (buffer.length < 1 + length) return;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === "E") {
          finish({ ok: false, reason: `${where} refused ${user}: ${errorMessage(body)}` });
          return;
        }
        if (type === "R" && body.length >= 4 && body.readInt32BE(0) !== 0) {
          finish({ ok: false, reason: `${where} asks ${user} for a password` });
          return;
        }
        if (type === "D" && body.length >= 6 && body.readInt16BE(0) === 1) {
          mayCreate = body.readInt32BE(2) === 1 && body.toString("utf8", 6, 7) === "t";
        }
        if (type === "Z" && !queried) {
          queried = true;
          socket.write(
            queryMessage(
              "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user",
            ),
          );
        } else if (type === "Z") {
          socket.end(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate
          finish(
            mayCreate
              ? { ok: true }
              : { ok: false, reason: `${user} may not create databases on ${where}` },
          );
          return;
        }
      }
    });
  });
}

function startupMessage(user, database) {
  const params = Buffer.from(
    `user\0${user}\0database\0${database}\0application_name\0collab-test-setup\0\0`,
  );
  const message = Buffer.alloc(8 + params.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(message, 8);
  return message;
}

function queryMessage(sql) {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message.write("Q", 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/** The 'M' (message) field of an ErrorResponse body. */
function errorMessage(body) {
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const code = String.fromCharCode(body[offset]);
    const end = body.indexOf(0, offset + 1);
    if (end === -1) break;
    if (code === "M") return body.toString("utf8", offset + 1, end);
    offset = end + 1;
  }
  return "an error";
}

/**
 * The PostgreSQL target of the integration tests (PGlite always runs): `{ url, how }`, or
 * `{ url: null, why }`. TEST_DATABASE_URL wins when set; set but empty means "PGlite only";
 * unset, the local server is used when it lets `postgres` in without a password.
 */
export async function resolveDatabaseTarget({ env = process.env, probe = probePostgres } = {}) {
  if (env.TEST_DATABASE_URL !== undefined) {
    const url = env.TEST_DATABASE_URL.trim();
    return url === ""
      ? { url: null, why: "TEST_DATABASE_URL is empty" }
      : { url, how: "TEST_DATABASE_URL" };
  }
  const probed = await probe();
  if (probed.ok) {
    return {
      url: LOCAL_POSTGRES.url,
      how:
        `found on ${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}, user ${LOCAL_POSTGRES.user} without a ` +
        "password; TEST_DATABASE_URL= (empty) skips it",
    };
  }
  return {
    url: null,
    why: `${probed.reason}; set TEST_DATABASE_URL=postgres://… to add a PostgreSQL server`,
  };
}

/** The Redis the shared rate-limit store's tests use when TEST_REDIS_URL is unset and it answers. */
export const LOCAL_REDIS = Object.freeze({
  host: "127.0.0.1",
  port: 6379,
  url: "redis://127.0.0.1:6379/0",
});

/** Whether a Redis answers PING at host:port (no password), within `timeoutMs`. */
export function probeRedis({
  host = LOCAL_REDIS.host,
  port = LOCAL_REDIS.port,
  timeoutMs = 2_000,
} = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = "";
    const done = (result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `no answer from ${host}:${port}` }),
      timeoutMs,
    );
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      if (!answer.includes("\r\n")) return;
      done(
        answer.startsWith("+PONG")
          ? { ok: true }
          : {
              ok: false,
              reason: `${host}:${port} answered ${JSON.stringify(answer.trim().slice(0, 60))}`,
            },
      );
    });
    socket.once("error", (error) =>
      done({
        ok: false,
        reason:
          error.code === "ECONNREFUSED" ? `nothing listens on ${host}:${port}` : error.message,
      }),
    );
  });
}

/**
 * The Redis of the shared rate-limit store's tests: `{ url, how }`, or `{ url: null, why }` (those
 * tests are then skipped). TEST_REDIS_URL wins when set; set but empty means "none"; unset, the
 * local server is used when it answers PING.
 */
export async function resolveRedisTarget({ env = process.env, probe = probeRedis } = {}) {
  if (env.TEST_REDIS_URL !== undefined) {
    const url = env.TEST_REDIS_URL.trim();
    return url === ""
      ? { url: null, why: "TEST_REDIS_URL is empty" }
      : { url, how: "TEST_REDIS_URL" };
  }
  const probed = await probe();
  if (probed.ok) {
    return {
      url: LOCAL_REDIS.url,
      how: `found on ${LOCAL_REDIS.host}:${LOCAL_REDIS.port}; TEST_REDIS_URL= (empty) skips it`,
    };
  }
  return {
    url: null,
    why: `${probed.reason}; set TEST_REDIS_URL=redis://… to test the Redis store`,
  };
}

function log(line) {
  console.log(`test setup: ${line}`);
}

function fail(lines) {
  for (const line of lines) console.error(`test setup: ${line}`);
  process.exit(1);
}

/** Makes sure the browser and tools are there; returns the Chromium path. Exits when it cannot. */
function provideMachineDependencies(env) {
  let chromium = findChromium({ env });
  if (chromium.error) fail([chromium.error]);
  const missing = missingPackages({ chromium, env });
  if (missing.length > 0) {
    const command = `apt-get install -y ${missing.join(" ")}`;
    if (!canInstallWithApt({ env })) {
      const them = missing.length > 1 ? "them" : "it";
      fail([
        `the tests need ${missing.join(", ")}, which this machine lacks; only root with apt-get`,
        `lets this script install ${them}. Install ${them}, then run the command again:`,
        `  Debian/Ubuntu: sudo ${command}`,
        "  elsewhere: the same tools from your package manager".concat(
          missing.includes("chromium") ? "; any Chromium or Chrome will do," : "",
        ),
        ...(missing.includes("chromium")
          ? ["  found on PATH as chromium or google-chrome, or named by CHROMIUM_PATH=/path/to/it"]
          : []),
      ]);
    }
    log(`installing ${missing.join(", ")} (${command})`);
    if (!aptInstall(missing)) fail([`${command} failed (see apt's output above)`]);
    const wasMissing = chromium.path === null;
    chromium = findChromium({ env });
    if (chromium.path === null) {
      fail([
        `apt-get installed chromium, yet no Chromium executable is at ${CHROMIUM_LOCATIONS[0]} or on PATH; set CHROMIUM_PATH`,
      ]);
    }
    for (const tool of TOOLS) {
      if (findOnPath(tool.command, env.PATH ?? "") === null) {
        fail([`apt-get installed ${tool.aptPackage}, yet ${tool.command} is not on PATH`]);
      }
    }
    if (wasMissing) chromium = { path: chromium.path, how: "installed" };
  }
  log(`Chromium ${chromium.path} (${chromium.how})`);
  return chromium.path;
}

async function main(argv) {
  if (argv.length === 0) {
    fail(["usage: node scripts/test-setup.mjs <command> [arguments…]"]);
  }
  const env = { ...process.env };
  env.CHROMIUM_PATH = provideMachineDependencies(env);

  const database = await resolveDatabaseTarget({ env });
  if (database.url === null) {
    delete env.TEST_DATABASE_URL;
    log(`databases: PGlite only (${database.why})`);
  } else {
    env.TEST_DATABASE_URL = database.url;
    log(`databases: PGlite and PostgreSQL ${redactUrl(database.url)} (${database.how})`);
  }
  const redis = await resolveRedisTarget({ env });
  if (redis.url === null) {
    // Empty: the Redis store's tests are skipped (unset would make them try the local server).
    env.TEST_REDIS_URL = "";
    log(`Redis store tests: skipped (${redis.why})`);
  } else {
    env.TEST_REDIS_URL = redis.url;
    log(`Redis store tests: ${redactUrl(redis.url)} (${redis.how})`);
  }
  // Tests must not phone home (Next.js builds and servers report telemetry unless told not to).
  env.NEXT_TELEMETRY_DISABLED ??= "1";
  // The app is built to test what it does; its types are `pnpm typecheck`'s (apps/web
  // next.config.ts).
  env.WEB_BUILD_SKIP_TYPECHECK = "1";
  // turbo and the other workspace binaries, also when this script is run without pnpm.
  env.PATH = [join(REPO_ROOT, "node_modules", ".bin"), env.PATH ?? ""].join(delimiter);

  const [command, ...args] = argv;
  log(argv.join(" "));
  const child = spawn(command, args, { stdio: "inherit", env, cwd: REPO_ROOT });
  // Ctrl-C reaches the child from the terminal itself; a SIGTERM/SIGHUP sent to this process
  // only is passed on. Either way this process waits for the child and takes its status.
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", () => {});
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward);
  child.on("error", (error) => fail([`could not run ${command}: ${error.message}`]));
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}

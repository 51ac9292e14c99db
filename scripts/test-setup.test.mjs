// Tests of scripts/test-setup.mjs (node:test, no dependencies): how it finds or installs the
// browser and tools, and how it picks the database targets. Machines are simulated with temporary
// directories and fake servers, so nothing here touches the real browser, apt or PostgreSQL.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, describe, test } from "node:test";
import {
  aptInstall,
  canInstallWithApt,
  findChromium,
  findOnPath,
  missingPackages,
  probePostgres,
  probeRedis,
  redactUrl,
  resolveDatabaseTarget,
  resolveRedisTarget,
} from "./test-setup.mjs";

const root = mkdtempSync(join(tmpdir(), "test-setup-"));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A directory holding the given files: executable unless listed in `plain`. */
function machineDir(executables = [], plain = []) {
  const dir = join(root, `d${dirs++}`);
  mkdirSync(dir);
  for (const name of executables) {
    writeFileSync(join(dir, name), "#!/bin/sh\n");
    chmodSync(join(dir, name), 0o755);
  }
  for (const name of plain) {
    writeFileSync(join(dir, name), "");
    chmodSync(join(dir, name), 0o644);
  }
  return dir;
}

describe("findChromium", () => {
  test("CHROMIUM_PATH naming a missing file stops with a message naming it", () => {
    const result = findChromium({ env: { CHROMIUM_PATH: join(root, "nowhere", "chrome") } });
    assert.equal(result.path, undefined);
    assert.match(result.error, /CHROMIUM_PATH=.*nowhere\/chrome is not an executable file/);
  });

  test("CHROMIUM_PATH naming an executable is used as is", () => {
    const dir = machineDir(["my-chrome"]);
    const result = findChromium({ env: { CHROMIUM_PATH: join(dir, "my-chrome"), PATH: "" } });
    assert.deepEqual(result, { path: join(dir, "my-chrome"), how: "CHROMIUM_PATH" });
  });

  test("a machine without any Chromium: none on PATH, none at the usual places", () => {
    const empty = machineDir(["ls"]);
    const result = findChromium({
      env: { PATH: empty },
      locations: [join(empty, "chromium"), join(root, "absent", "chrome")],
    });
    assert.deepEqual(result, { path: null });
  });

  test("looks on PATH under the usual names, then at the usual places", () => {
    const onPath = machineDir(["chromium-browser"]);
    assert.deepEqual(findChromium({ env: { PATH: `${machineDir()}${delimiter}${onPath}` } }), {
      path: join(onPath, "chromium-browser"),
      how: "found on PATH",
    });
    const elsewhere = machineDir(["chrome"]);
    assert.deepEqual(findChromium({ env: { PATH: "" }, locations: [join(elsewhere, "chrome")] }), {
      path: join(elsewhere, "chrome"),
      how: "found",
    });
  });

  test("skips files that are not executable and directories", () => {
    const dir = machineDir([], ["chromium"]);
    mkdirSync(join(dir, "google-chrome"));
    assert.deepEqual(findChromium({ env: { PATH: dir }, locations: [join(dir, "chromium")] }), {
      path: null,
    });
  });
});

describe("what to install", () => {
  test("lists chromium and every missing tool by its Debian package", () => {
    const bin = machineDir(["curl"]);
    assert.deepEqual(missingPackages({ chromium: { path: null }, env: { PATH: bin } }), [
      "chromium",
      "openssl",
    ]);
    const full = machineDir(["curl", "openssl"]);
    assert.deepEqual(
      missingPackages({ chromium: { path: "/x/chromium" }, env: { PATH: full } }),
      [],
    );
  });

  test("installs only as root with apt-get on PATH", () => {
    const withApt = machineDir(["apt-get"]);
    assert.equal(canInstallWithApt({ uid: 0, env: { PATH: withApt } }), true);
    assert.equal(canInstallWithApt({ uid: 1000, env: { PATH: withApt } }), false);
    assert.equal(canInstallWithApt({ uid: 0, env: { PATH: machineDir() } }), false);
    assert.equal(canInstallWithApt({ uid: null, env: { PATH: withApt } }), false); // no getuid()
  });

  test("findOnPath ignores empty PATH entries", () => {
    const dir = machineDir(["openssl"]);
    assert.equal(findOnPath("openssl", `${delimiter}${dir}`), join(dir, "openssl"));
    assert.equal(findOnPath("openssl", ""), null);
  });
});

describe("aptInstall", () => {
  /** A fake apt: `known` packages are in the lists (all after an update); installs may fail. */
  function fakeApt({ known, installFailures = 0 }) {
    const calls = [];
    let lists = new Set(known);
    let failures = installFailures;
    const run = (command, args) => {
      calls.push(`${command} ${args.join(" ")}`);
      if (command === "apt-cache") return lists.has(args.at(-1)) ? 0 : 100;
      if (args[0] === "update") {
        lists = new Set(["chromium", "curl", "openssl"]);
        return 0;
      }
      if (failures > 0) {
        failures--;
        return 100;
      }
      return 0;
    };
    return { run, calls };
  }

  test("no package lists (a fresh image): updates once, then installs", () => {
    const apt = fakeApt({ known: [] });
    assert.equal(aptInstall(["chromium", "curl"], apt), true);
    assert.deepEqual(apt.calls, [
      "apt-cache show --quiet chromium",
      "apt-get update",
      "apt-get install --yes --quiet chromium curl",
    ]);
  });

  test("lists that know the packages: installs without updating", () => {
    const apt = fakeApt({ known: ["chromium"] });
    assert.equal(aptInstall(["chromium"], apt), true);
    assert.deepEqual(apt.calls, [
      "apt-cache show --quiet chromium",
      "apt-get install --yes --quiet chromium",
    ]);
  });

  test("stale lists: a failed install is retried once after an update", () => {
    const apt = fakeApt({ known: ["chromium"], installFailures: 1 });
    assert.equal(aptInstall(["chromium"], apt), true);
    assert.deepEqual(apt.calls.slice(1), [
      "apt-get install --yes --quiet chromium",
      "apt-get update",
      "apt-get install --yes --quiet chromium",
    ]);
    const broken = fakeApt({ known: [], installFailures: 5 });
    assert.equal(aptInstall(["chromium"], broken), false);
    assert.equal(broken.calls.filter((call) => call === "apt-get update").length, 1);
  });
});

describe("the database targets", () => {
  const unreachable = async () => ({ ok: false, reason: "nothing listens on 127.0.0.1:5432" });
  const reachable = async () => ({ ok: true });

  test("TEST_DATABASE_URL wins, and is not probed", async () => {
    const url = "postgres://u:p@db.example:5433/x";
    const probe = () => assert.fail("probed");
    assert.deepEqual(await resolveDatabaseTarget({ env: { TEST_DATABASE_URL: url }, probe }), {
      url,
      how: "TEST_DATABASE_URL",
    });
  });

  test("TEST_DATABASE_URL set but empty: PGlite only, not probed", async () => {
    const probe = () => assert.fail("probed");
    const target = await resolveDatabaseTarget({ env: { TEST_DATABASE_URL: " " }, probe });
    assert.equal(target.url, null);
    assert.match(target.why, /empty/);
  });

  test("unset: the local PostgreSQL when it lets postgres in, else PGlite only with the reason", async () => {
    const found = await resolveDatabaseTarget({ env: {}, probe: reachable });
    assert.equal(found.url, "postgres://postgres@127.0.0.1:5432/postgres");
    assert.match(found.how, /TEST_DATABASE_URL= \(empty\) skips it/);
    const none = await resolveDatabaseTarget({ env: {}, probe: unreachable });
    assert.equal(none.url, null);
    assert.match(none.why, /nothing listens on 127\.0\.0\.1:5432; set TEST_DATABASE_URL=/);
  });

  test("redactUrl masks a password only", () => {
    assert.equal(redactUrl("postgres://u:secret@h:5/db"), "postgres://u:***@h:5/db");
    assert.equal(redactUrl("postgres://postgres@h:5/db"), "postgres://postgres@h:5/db");
    assert.equal(redactUrl("not a url"), "(a URL that does not parse)");
  });
});

describe("probePostgres, against a fake server speaking PostgreSQL's protocol", () => {
  function message(type, body) {
    const header = Buffer.alloc(5);
    header.write(type, 0);
    header.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([header, body]);
  }
  const int32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const authOk = message("R", int32(0));
  const ready = message("Z", Buffer.from("I"));
  const dataRow = (value) =>
    message("D", Buffer.concat([Buffer.from([0, 1]), int32(1), Buffer.from(value)]));

  /** Serves each connection with `answer(firstMessage, socket)`; resolves its port. */
  async function fakeServer(answer) {
    const sockets = new Set();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      let first = true;
      socket.on("data", (chunk) => {
        if (!first) {
          if (chunk[0] === 0x51) answer.query?.(socket); // 'Q'
          return;
        }
        first = false;
        answer.startup(chunk, socket);
      });
      socket.on("error", () => {});
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    after(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    return server.address().port;
  }

  test("trust and a role that may create databases: ok, after one SELECT", async () => {
    let startup = "";
    const port = await fakeServer({
      startup(chunk, socket) {
        startup = chunk.toString("latin1");
        // Answers split across writes, as a real server's may be.
        const all = Buffer.concat([authOk, message("S", Buffer.from("a\0b\0")), ready]);
        socket.write(all.subarray(0, 3));
        setTimeout(() => socket.write(all.subarray(3)), 10);
      },
      query(socket) {
        socket.write(Buffer.concat([dataRow("t"), message("C", Buffer.from("SELECT 1\0")), ready]));
      },
    });
    assert.deepEqual(await probePostgres({ port }), { ok: true });
    assert.match(startup, /user\0postgres\0database\0postgres\0/);
  });

  test("a role that may not create databases", async () => {
    const port = await fakeServer({
      startup: (_, socket) => socket.write(Buffer.concat([authOk, ready])),
      query: (socket) => socket.write(Buffer.concat([dataRow("f"), ready])),
    });
    const result = await probePostgres({ port });
    assert.equal(result.ok, false);
    assert.match(result.reason, /postgres may not create databases/);
  });

  test("a server asking for a password (SCRAM)", async () => {
    const port = await fakeServer({
      startup: (_, socket) => socket.write(message("R", int32(10))),
    });
    const result = await probePostgres({ port });
    assert.equal(result.ok, false);
    assert.match(result.reason, /asks postgres for a password/);
  });

  test("a server refusing the role, with its message", async () => {
    const port = await fakeServer({
      startup: (_, socket) =>
        socket.write(message("E", Buffer.from('SFATAL\0Mrole "postgres" does not exist\0\0'))),
    });
    const result = await probePostgres({ port });
    assert.match(result.reason, /refused postgres: role "postgres" does not exist/);
  });

  test("nothing listening, something that is not PostgreSQL, and silence", async () => {
    const closed = net.createServer();
    await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = closed.address().port;
    await new Promise((resolve) => closed.close(resolve));
    assert.match((await probePostgres({ port })).reason, /nothing listens on 127\.0\.0\.1:\d+/);

    const http = await fakeServer({
      startup: (_, socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"),
    });
    assert.equal((await probePostgres({ port: http })).ok, false);

    const silent = await fakeServer({ startup: () => {} });
    const result = await probePostgres({ port: silent, timeoutMs: 200 });
    assert.match(result.reason, /no answer from 127\.0\.0\.1:\d+ within 200 ms/);
  });
});

describe("resolveRedisTarget", () => {
  test("TEST_REDIS_URL set: used as is, not probed; empty: none", async () => {
    const probe = () => assert.fail("probed");
    const url = "redis://:p@cache.example:6380/1";
    assert.deepEqual(await resolveRedisTarget({ env: { TEST_REDIS_URL: url }, probe }), {
      url,
      how: "TEST_REDIS_URL",
    });
    const none = await resolveRedisTarget({ env: { TEST_REDIS_URL: "" }, probe });
    assert.equal(none.url, null);
    assert.match(none.why, /empty/);
  });

  test("unset: the local Redis when it answers PING, else none with the reason", async () => {
    const found = await resolveRedisTarget({ env: {}, probe: async () => ({ ok: true }) });
    assert.equal(found.url, "redis://127.0.0.1:6379/0");
    const none = await resolveRedisTarget({
      env: {},
      probe: async () => ({ ok: false, reason: "nothing listens on 127.0.0.1:6379" }),
    });
    assert.equal(none.url, null);
    assert.match(none.why, /nothing listens on 127\.0\.0\.1:6379; set TEST_REDIS_URL=/);
  });

  test("probeRedis: a closed port is no Redis", async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    const result = await probeRedis({ port });
    assert.equal(result.ok, false);
    assert.match(result.reason, /nothing listens/);
  });
});

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Writable } from "node:stream";
import {
  type CreatedApp,
  createApp,
  createDb,
  deleteApp,
  readAppUsage,
  setAppDisabled,
} from "@collab/db";
import { adapterTestTargets, createTestDatabase, type TestDatabase } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import { createMetrics } from "@collab/metrics";
import { loadSettings, type Settings } from "@collab/settings";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, createAppServer, type NextHandler } from "../src/entry/app-server";
import { RECONNECT_HINT_MS } from "../src/entry/event-streams";
import { InServerWorker } from "../src/entry/in-server-worker";
import { head, rawConnection, send } from "./raw-http";

// The server entry in-process (src/entry/app-server.ts) on a real database, with a stand-in for
// Next.js that records what it is handed: the REST pipeline's order, the headers Next.js sees,
// the bounds on clients, live streams and the graceful shutdown. The production build is tested
// the same way from outside in rest-transport and shutdown.resilience-test.ts.

const MiB = 1_048_576;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function settingsFor(env: Record<string, string> = {}): Settings {
  return loadSettings({ PORT: "0", HOST: "127.0.0.1", WORKER_IN_SERVER: "0", ...env });
}

/** The worker's part of the settings, as the entry hands it to the in-server worker. */
function workerSettingsFor() {
  const { inServer: _inServer, ...worker } = settingsFor().worker;
  return worker;
}

/** What the stand-in for Next.js saw. */
interface NextLog {
  readonly urls: string[];
  readonly headers: IncomingMessage["headers"][];
}

/**
 * Next.js's stand-in: /echo answers the headers it was handed; /slow answers when `release` is
 * called; /stream is a live stream that writes tRPC-shaped events (each field, then the blank
 * line, as separate chunks) every 20 ms until the connection ends.
 */
function standInForNext(log: NextLog) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler: NextHandler = async (req: IncomingMessage, res: ServerResponse) => {
    log.urls.push(req.url ?? "");
    log.headers.push({ ...req.headers });
    if (req.url === "/slow") {
      await released;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("finished");
      return;
    }
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let seq = 0;
      while (!res.destroyed && !res.writableEnded) {
        seq++;
        res.write(Buffer.from(`id: ${seq}\n`));
        await sleep(10);
        res.write(Buffer.from(`data: {"seq":${seq}}\n`));
        res.write(Buffer.from("\n\n"));
        await sleep(10);
      }
      return;
    }
    const payload = JSON.stringify(req.headers);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(payload);
  };
  return { handler, release: () => release() };
}

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: "info", base: undefined }, stream), lines };
}

interface Running {
  readonly server: AppServer;
  readonly port: number;
  readonly next: NextLog;
  readonly release: () => void;
  readonly lines: string[];
}

async function start(
  db: TestDatabase,
  env: Record<string, string> = {},
  extra: {
    worker?: InServerWorker;
    workerGraceMs?: number;
    metrics?: ReturnType<typeof createMetrics>;
  } = {},
): Promise<Running> {
  const next: NextLog = { urls: [], headers: [] };
  const stand = standInForNext(next);
  const { log, lines } = memoryLogger();
  const server = createAppServer({
    settings: settingsFor(env),
    db,
    next: stand.handler,
    worker: extra.worker ?? null,
    metrics: extra.metrics ?? createMetrics(),
    log,
    ...(extra.workerGraceMs === undefined ? {} : { workerGraceMs: extra.workerGraceMs }),
  });
  const address = await server.listen();
  return { server, port: address.port, next, release: stand.release, lines };
}

function signed(app: CreatedApp, port: number, path: string, nonce?: string) {
  return signRequestHeaders({
    appId: app.id,
    secret: app.secret,
    method: "POST",
    url: new URL(path, `http://127.0.0.1:${port}`),
    ...(nonce === undefined ? {} : { nonce }),
  });
}

describe.each(adapterTestTargets())("the server entry on %s", (target) => {
  let db: TestDatabase;
  let app: CreatedApp;
  let running: Running;
  let proxied: Running;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    app = await createApp(db.prisma, { name: "Entry test" });
    running = await start(db);
    proxied = await start(db, { TRUST_PROXY: "loopback" });
  });
  afterAll(async () => {
    running?.release();
    await running?.server.close();
    await proxied?.server.close();
    await db?.close();
  });

  describe("what Next.js is handed", () => {
    it("the client as resolved (no proxy trusted): the socket's peer, never a forged header", async () => {
      const response = await send(running.port, {
        path: "/echo",
        headers: {
          "x-forwarded-for": "6.6.6.6",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "evil.example",
          forwarded: "for=6.6.6.6",
          "x-real-ip": "6.6.6.6",
        },
      });
      expect(response.status).toBe(200);
      const seen = JSON.parse(response.body) as Record<string, string>;
      expect(seen).toMatchObject({
        "x-forwarded-for": "127.0.0.1",
        "x-forwarded-proto": "http",
        "x-forwarded-host": `127.0.0.1:${running.port}`,
        "x-forwarded-port": String(running.port),
      });
      expect(seen).not.toHaveProperty("forwarded");
      expect(seen).not.toHaveProperty("x-real-ip");
    });

    it("the client as a trusted proxy names it (TRUST_PROXY=loopback)", async () => {
      const response = await send(proxied.port, {
        path: "/echo",
        headers: {
          "x-forwarded-for": "6.6.6.6, 198.51.100.7",
          "x-forwarded-proto": "https",
          "x-forwarded-host": "console.example.com",
        },
      });
      expect(JSON.parse(response.body)).toMatchObject({
        "x-forwarded-for": "198.51.100.7",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "console.example.com",
        "x-forwarded-port": "443",
      });
    });
  });

  describe("the REST API", () => {
    it("answers /healthz itself, and the HiAR tree's unknown paths and methods NOT_FOUND", async () => {
      const health = await send(running.port, { path: "/healthz" });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({
        status: "ok",
        database: { ok: true },
        worker: { inServer: false, status: "elsewhere" },
      });

      const before = running.next.urls.length;
      for (const [method, path] of [
        ["GET", "/session/invite"],
        ["POST", "/session/nothing"],
        ["POST", "/leliaRTC/nothing"],
        ["POST", "/hris/session/invite"],
      ] as const) {
        const response = await send(running.port, { method, path, headers: { trace: "probe404" } });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.headers["content-type"]).toBe("application/json");
        expect(response.headers.trace).toBe("probe404");
        expect(JSON.parse(response.body)).toMatchObject({
          code: 1006,
          reason: "NOT_FOUND",
          data: null,
        });
      }
      expect(running.next.urls.length).toBe(before);
    });

    it("refuses an unauthenticated request before the client has sent its body", async () => {
      for (const credentials of ["none", "wrong secret"] as const) {
        const connection = await rawConnection(running.port);
        const headers =
          credentials === "none"
            ? {}
            : signed({ ...app, secret: "not-the-secret" }, running.port, "/session/invite");
        connection.socket.write(
          head("POST", "/session/invite", {
            "content-type": "application/json",
            "content-length": MiB,
            ...headers,
          }),
        );
        // 64 KiB of a 1 MiB, deeply nested body; the rest is never sent.
        connection.socket.write("[".repeat(65_536));
        const response = await connection.response();
        expect(response.status, credentials).toBe(401);
        expect(response.headers.connection).toBe("close");
        expect(JSON.parse(response.body)).toMatchObject({ reason: "UNAUTHENTICATED" });
        connection.socket.destroy();
      }
    });

    it("gives an Expect: 100-continue client the go-ahead only once it is authenticated", async () => {
      const refused = await rawConnection(running.port);
      refused.socket.write(
        head("POST", "/session/invite", {
          "content-type": "application/json",
          "content-length": 2,
          expect: "100-continue",
        }),
      );
      const answer = await refused.response();
      expect(answer.status).toBe(401);
      expect(refused.received()).not.toContain("100 Continue");
      refused.socket.destroy();

      const accepted = await rawConnection(running.port);
      const body = JSON.stringify({ userID: `continue-${randomUUID()}` });
      accepted.socket.write(
        head("POST", "/user/query", {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          expect: "100-continue",
          ...signed(app, running.port, "/user/query"),
        }),
      );
      const goAhead = await accepted.response();
      expect(goAhead.status).toBe(100);
      accepted.socket.write(body);
      await expect.poll(() => accepted.received()).toContain("HTTP/1.1 200 OK");
      accepted.socket.destroy();
    });

    it("spends the nonce of a request refused for its body: the replay is NONCE_REUSED", async () => {
      const creator = `creator-${randomUUID()}`;
      const created = await send(running.port, {
        method: "POST",
        path: "/create",
        headers: { "content-type": "application/json", ...signed(app, running.port, "/create") },
        body: JSON.stringify({ userID: creator }),
      });
      expect(created.status, created.body).toBe(200);
      const ids = JSON.parse(created.body).data as { collaborationID: string; sessionID: string };
      const valid = JSON.stringify({ ...ids, userID: creator, members: [{ userID: "replayed" }] });

      const refusals: [string, Record<string, string>, string | undefined, number, string][] = [
        ["415", { "content-type": "text/plain" }, valid, 415, "UNSUPPORTED_MEDIA_TYPE"],
        ["400", { "content-type": "application/json" }, "{", 400, "is not valid JSON"],
        ["deep", { "content-type": "application/json" }, "[".repeat(100), 400, "more than 16 deep"],
        [
          "values",
          { "content-type": "application/json" },
          `[${"0,".repeat(20_000)}0]`,
          400,
          "more than 10000 object members and array elements",
        ],
        [
          "413",
          { "content-type": "application/json" },
          "x".repeat(MiB + 1),
          413,
          "PAYLOAD_TOO_LARGE",
        ],
      ];
      for (const [name, headers, body, status, says] of refusals) {
        const nonce = randomUUID();
        const first = await send(running.port, {
          method: "POST",
          path: "/session/invite",
          headers: { ...headers, ...signed(app, running.port, "/session/invite", nonce) },
          body,
        });
        expect(first.status, name).toBe(status);
        expect(first.body, name).toContain(says);
        const replay = await send(running.port, {
          method: "POST",
          path: "/session/invite",
          headers: {
            "content-type": "application/json",
            ...signed(app, running.port, "/session/invite", nonce),
          },
          body: valid,
        });
        expect(replay.status, name).toBe(401);
        expect(JSON.parse(replay.body), name).toMatchObject({ reason: "NONCE_REUSED" });
      }
      // Nobody was rung by any of them.
      const rung = await db.prisma.sessionMember.count({
        where: { sessionId: ids.sessionID, userId: "replayed" },
      });
      expect(rung).toBe(0);
    });

    it("logs one line per request: trace, app, route, status, code, duration", async () => {
      await send(running.port, {
        method: "POST",
        path: "/leliaRTC/user/query",
        headers: {
          "content-type": "application/json",
          trace: "entrylog01",
          ...signed(app, running.port, "/leliaRTC/user/query"),
        },
        body: JSON.stringify({ userID: "nobody" }),
      });
      const lines = running.lines.filter((line) => line.includes('"entrylog01"'));
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0] ?? "{}");
      expect(line).toMatchObject({
        trace: "entrylog01",
        app: app.id,
        route: "/user/query",
        status: 200,
        code: 0,
      });
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(running.lines.join("")).not.toContain(app.secret);
    });
  });

  describe("bounds on clients", () => {
    let bounded: Running;
    beforeAll(async () => {
      bounded = await start(db, {
        HTTP_HEADERS_TIMEOUT_SECONDS: "1",
        HTTP_REQUEST_TIMEOUT_SECONDS: "2",
        HTTP_MAX_CONNECTIONS: "4",
      });
    });
    afterAll(async () => {
      await bounded?.server.close();
    });

    it("closes a connection whose headers do not arrive in time (slowloris)", async () => {
      const slow = await rawConnection(bounded.port);
      slow.socket.write("POST /session/invite HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      const started = Date.now();
      await slow.closed;
      // Headers timeout 1 s, checked every second.
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it("closes a request whose body does not arrive in time", async () => {
      const slow = await rawConnection(bounded.port);
      slow.socket.write(head("POST", "/api/trpc/x", { "content-length": 100 }));
      slow.socket.write("x".repeat(10));
      const started = Date.now();
      await slow.closed;
      expect(Date.now() - started).toBeLessThan(6_000);
    });

    it("refuses headers over 16 KiB with 431", async () => {
      const big = await rawConnection(bounded.port);
      big.socket.write(head("GET", "/healthz", { "x-padding": "p".repeat(17_000) }));
      expect((await big.response()).status).toBe(431);
      big.socket.destroy();
    });

    it("holds at most HTTP_MAX_CONNECTIONS connections; more are closed at once", async () => {
      const held = await Promise.all(Array.from({ length: 4 }, () => rawConnection(bounded.port)));
      // Each one is busy: its headers are still coming.
      for (const connection of held) connection.socket.write("GET /healthz HTTP/1.1\r\n");
      await sleep(100);
      const extra = await rawConnection(bounded.port);
      extra.socket.write(head("GET", "/healthz", {}));
      await extra.closed;
      expect(extra.received()).toBe("");
      for (const connection of held) connection.socket.destroy();
      await expect
        .poll(async () => (await send(bounded.port, { path: "/healthz" })).status, {
          timeout: 5_000,
        })
        .toBe(200);
    });
  });

  describe("shutdown", () => {
    it("finishes requests in flight, refuses new connections, closes kept-alive ones", async () => {
      const server = await start(db);
      const inFlight = send(server.port, { path: "/slow" });
      await expect.poll(() => server.next.urls).toContain("/slow");
      const idle = await rawConnection(server.port);
      idle.socket.write(head("GET", "/healthz", {}));
      expect((await idle.response()).status).toBe(200);

      const closing = server.server.close();
      await idle.closed;
      await expect(send(server.port, { path: "/healthz" })).rejects.toMatchObject({
        code: "ECONNREFUSED",
      });
      server.release();
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(finished.body).toBe("finished");
      expect(finished.headers.connection).toBe("close");
      expect(await closing).toEqual({ drained: true });
    });

    it("cuts what is still running at SHUTDOWN_TIMEOUT_SECONDS", async () => {
      const server = await start(db, { SHUTDOWN_TIMEOUT_SECONDS: "0.5" });
      const stuck = send(server.port, { path: "/slow" }).catch((error: unknown) => error);
      await expect.poll(() => server.next.urls).toContain("/slow");
      const started = Date.now();
      expect(await server.server.close()).toEqual({ drained: false });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await stuck).toMatchObject({ code: "ECONNRESET" });
      server.release();
    });

    it("ends live streams between two events, with a reconnection hint", async () => {
      const server = await start(db);
      const stream = await rawConnection(server.port);
      stream.socket.write(head("GET", "/stream", { accept: "text/event-stream" }));
      await expect.poll(() => stream.received()).toContain("\n\n\n");
      const closing = server.server.close();
      await stream.closed;
      expect(await closing).toEqual({ drained: true });
      const received = stream.received();
      const text = dechunk(received.slice(received.indexOf("\r\n\r\n") + 4));
      expect(text).toMatch(new RegExp(`\\n\\n\\nretry: ${RECONNECT_HINT_MS}\\n\\n$`));
      // Every event before the hint is whole: id, data, blank line.
      const events =
        text
          .split("retry:")[0]
          ?.split("\n\n\n")
          .filter((e) => e !== "") ?? [];
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expect(event).toMatch(/^id: \d+\ndata: \{"seq":\d+\}$/);
    });

    it("answers a live stream opened during shutdown with the hint alone", async () => {
      const server = await start(db, { SHUTDOWN_TIMEOUT_SECONDS: "5" });
      const inFlight = send(server.port, { path: "/slow" });
      await expect.poll(() => server.next.urls).toContain("/slow");
      // A request whose head is still arriving when the shutdown starts (not an idle connection).
      const late = await rawConnection(server.port);
      const request = head("GET", "/stream", { accept: "text/event-stream" });
      late.socket.write(request.slice(0, 10));
      await sleep(50);
      const closing = server.server.close();
      late.socket.write(request.slice(10));
      const hint = await late.response();
      expect(hint.status).toBe(200);
      expect(hint.headers["content-type"]).toBe("text/event-stream");
      expect(late.received()).toContain(`retry: ${RECONNECT_HINT_MS}\n\n`);
      await late.closed;
      server.release();
      await inFlight;
      await closing;
    });
  });

  describe("/metrics", () => {
    const token = "metrics-token-for-the-entry-test";
    const sample = (text: string, series: string) =>
      text
        .split("\n")
        .find((line) => line.startsWith(`${series} `))
        ?.slice(series.length + 1);

    it("is not served on the server's port without METRICS_TOKEN (nor handed to Next.js)", async () => {
      const before = running.next.urls.length;
      const response = await send(running.port, { path: "/metrics" });
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body)).toMatchObject({ reason: "NOT_FOUND" });
      expect(running.next.urls.length).toBe(before);
    });

    it("behind the bearer token: REST answers by operation and reason, the pool, the ring clock and the backlog", async () => {
      const metrics = createMetrics();
      metrics.trackPool(() => db.poolStats());
      const { log } = memoryLogger();
      const worker = new InServerWorker(db, workerSettingsFor(), log, metrics);
      const server = await start(db, { METRICS_TOKEN: token }, { worker, metrics });
      worker.start();
      try {
        expect((await send(server.port, { path: "/metrics" })).status).toBe(401);
        const creator = `creator-${randomUUID()}`;
        const created = await send(server.port, {
          method: "POST",
          path: "/create",
          headers: { "content-type": "application/json", ...signed(app, server.port, "/create") },
          body: JSON.stringify({ userID: creator }),
        });
        expect(created.status, created.body).toBe(200);
        const refused = await send(server.port, {
          method: "POST",
          path: "/create",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        expect(refused.status).toBe(401);
        // A path that names no operation is counted as "unknown", never by its own text.
        await send(server.port, { method: "POST", path: `/session/${randomUUID()}` });

        const scrape = async () => {
          const response = await send(server.port, {
            path: "/metrics",
            headers: { authorization: `Bearer ${token}` },
          });
          expect(response.status).toBe(200);
          return response.body;
        };
        await expect.poll(async () => worker.state().status, { timeout: 20_000 }).toBe("running");
        const text = await scrape();
        expect(
          sample(text, 'collab_requests_total{operation="/create",status="200",reason="OK"}'),
        ).toBe("1");
        expect(
          Number(
            sample(
              text,
              'collab_requests_total{operation="/create",status="401",reason="UNAUTHENTICATED"}',
            ),
          ),
        ).toBeGreaterThanOrEqual(1);
        expect(
          sample(
            text,
            'collab_requests_total{operation="unknown",status="404",reason="NOT_FOUND"}',
          ),
        ).toBe("1");
        expect(text).not.toMatch(/operation="\/session\/[0-9a-f-]{36}"/);
        expect(Number(sample(text, "collab_db_pool_max"))).toBeGreaterThanOrEqual(1);
        // The worker has swept at least once, and reads the backlog from the database.
        expect(
          Number(sample(text, "collab_ring_clock_sweep_duration_seconds_count")),
        ).toBeGreaterThan(0);
        expect(sample(text, "collab_rings_overdue")).toBe("0");
        expect(sample(text, "collab_live_streams")).toBe("0");
      } finally {
        await server.server.close();
      }
    });
  });

  describe("an app's usage, and a disabled app", () => {
    it("counts each authenticated request per day (refusals as errors), saved by shutdown at the latest", async () => {
      const counted = await createApp(db.prisma, { name: "Usage test" });
      const server = await start(db);
      const post = (path: string, body: string, auth = true) =>
        send(server.port, {
          method: "POST",
          path,
          headers: {
            "content-type": "application/json",
            ...(auth ? signed(counted, server.port, path) : {}),
          },
          body,
        });
      expect((await post("/create", JSON.stringify({ userID: "alice" }))).status).toBe(200);
      expect((await post("/create", "{")).status).toBe(400);
      // Unauthenticated: no app to count it for.
      expect((await post("/create", "{}", false)).status).toBe(401);
      await server.server.close();
      const [today] = (await readAppUsage(db.prisma, counted.id, { days: 1 })).slice(-1);
      expect(today).toMatchObject({ requests: 2, errors: 1 });
    });

    it("refuses a deleted app's requests as an unknown APPID at once, though its secret is cached", async () => {
      const doomed = await createApp(db.prisma, { name: "Deleted test" });
      const create = () =>
        send(running.port, {
          method: "POST",
          path: "/create",
          headers: {
            "content-type": "application/json",
            ...signed(doomed, running.port, "/create"),
          },
          body: JSON.stringify({ userID: "alice" }),
        });
      expect((await create()).status).toBe(200); // its secret is now in the cache
      expect(await deleteApp(db.prisma, doomed.id)).toBe(true);
      const refused = await create();
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ reason: "UNAUTHENTICATED" });
    });

    it("refuses a disabled app's requests as an unknown APPID, and serves it again once enabled", async () => {
      const paused = await createApp(db.prisma, { name: "Disabled test" });
      const create = () =>
        send(running.port, {
          method: "POST",
          path: "/create",
          headers: {
            "content-type": "application/json",
            ...signed(paused, running.port, "/create"),
          },
          body: JSON.stringify({ userID: "alice" }),
        });
      expect((await create()).status).toBe(200);
      await setAppDisabled(db.prisma, paused.id, true);
      // Within the secret cache's lifetime (a few seconds).
      await expect
        .poll(async () => JSON.parse((await create()).body).reason, { timeout: 15_000 })
        .toBe("UNAUTHENTICATED");
      await setAppDisabled(db.prisma, paused.id, false);
      await expect.poll(async () => (await create()).status, { timeout: 15_000 }).toBe(200);
    });
  });

  describe("/healthz and the in-server worker", () => {
    it("is 503 once the worker has not been running for longer than the grace", async () => {
      // The worker's own client goes to a port nobody listens on; requests use the database.
      const unreachable = await createDb({ databaseUrl: "postgres://postgres@127.0.0.1:9/none" });
      const { log } = memoryLogger();
      const worker = new InServerWorker(unreachable, workerSettingsFor(), log);
      const server = await start(db, {}, { worker, workerGraceMs: 300 });
      worker.start();
      try {
        await expect
          .poll(
            async () => {
              const health = await send(server.port, { path: "/healthz" });
              return { status: health.status, body: JSON.parse(health.body) };
            },
            { timeout: 10_000 },
          )
          .toMatchObject({
            status: 503,
            body: {
              status: "unavailable",
              database: { ok: true },
              worker: { inServer: true, status: "retrying", lastError: expect.any(String) },
            },
          });
      } finally {
        await server.server.close();
        await unreachable.close();
      }
      expect(worker.state().status).toBe("stopped");
    });

    it("is 200 with the worker running, and 503 stopping while it shuts down", async () => {
      const { log } = memoryLogger();
      const worker = new InServerWorker(db, workerSettingsFor(), log);
      const server = await start(db, {}, { worker });
      worker.start();
      await expect
        .poll(async () => JSON.parse((await send(server.port, { path: "/healthz" })).body), {
          timeout: 20_000,
        })
        .toMatchObject({ status: "ok", worker: { inServer: true, status: "running" } });
      const inFlight = send(server.port, { path: "/slow" });
      await expect.poll(() => server.next.urls).toContain("/slow");
      const late = await rawConnection(server.port);
      late.socket.write("GET /healthz");
      await sleep(50);
      const closing = server.server.close();
      late.socket.write(" HTTP/1.1\r\nHost: x\r\n\r\n");
      const during = await late.response();
      expect(during.status).toBe(503);
      expect(during.headers.connection).toBe("close");
      expect(JSON.parse(during.body)).toMatchObject({ status: "stopping" });
      server.release();
      await inFlight;
      await closing;
      expect(worker.state().status).toBe("stopped");
    });
  });
});

/** A chunked body's bytes, as EventSource reads them. */
function dechunk(body: string): string {
  let text = "";
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd === -1) return text;
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    if (!(size > 0)) return text;
    text += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

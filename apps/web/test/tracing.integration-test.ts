import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { type CreatedApp, createApp } from "@collab/db";
import { adapterTestTargets, createTestDatabase, type TestDatabase } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import { createMetrics } from "@collab/metrics";
import { loadSettings } from "@collab/settings";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  startTracing,
  type Tracing,
} from "@collab/tracing";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AppServer, createAppServer } from "../src/entry/app-server";
import { send } from "./raw-http";
import { startTestServer, type TestServer } from "./server";

// Traces of the REST API (README "Traces"), exported in memory: one server span per request
// whose trace id is the caller's HiAR `trace` when that is a W3C trace id, with the database's
// spans (Prisma's) beneath it.

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;

beforeAll(() => {
  // Before any database is opened, as the server entry does.
  tracing = startTracing({ serviceName: "collab-web-test", exporter });
});
afterAll(async () => {
  await tracing?.shutdown();
});

/** The spans of one trace. */
const inTrace = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

/** Whether `span` descends from `ancestor` within `spans`. */
function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, spans: ReadableSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  let parent = span.parentSpanContext?.spanId;
  for (let hops = 0; parent !== undefined && hops < 50; hops++) {
    if (parent === ancestor.spanContext().spanId) return true;
    parent = byId.get(parent)?.parentSpanContext?.spanId;
  }
  return false;
}

describe.each(adapterTestTargets())("traces of the REST API on %s", (target) => {
  let db: TestDatabase;
  let app: CreatedApp;
  let server: AppServer;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    app = await createApp(db.prisma, { name: "Tracing test" });
    server = createAppServer({
      settings: loadSettings({ PORT: "0", HOST: "127.0.0.1", WORKER_IN_SERVER: "0" }),
      db,
      next: async (_req, res) => {
        res.writeHead(404).end();
      },
      worker: null,
      metrics: createMetrics(),
      log: pino({ level: "silent" }, new Writable({ write: (_c, _e, done) => done() })),
    });
    port = (await server.listen()).port;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });
  beforeEach(() => exporter.reset());

  function create(headers: Record<string, string>) {
    return send(port, {
      method: "POST",
      path: "/create",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ userID: "tracer" }),
    });
  }

  it("a span per request, under the caller's HiAR trace id, with the database's spans beneath", async () => {
    const traceId = randomBytes(16).toString("hex");
    const signed = signRequestHeaders({
      appId: app.id,
      secret: app.secret,
      method: "POST",
      url: new URL("/create", `http://127.0.0.1:${port}`),
    });
    const response = await create({ ...signed, trace: traceId });
    expect(response.status, response.body).toBe(200);
    expect(response.headers.trace).toBe(traceId);

    await expect.poll(() => inTrace(traceId).some((s) => s.name === "POST /create")).toBe(true);
    const spans = inTrace(traceId);
    const request = spans.find((s) => s.name === "POST /create");
    expect(request?.parentSpanContext).toBeUndefined();
    expect(request?.attributes).toMatchObject({
      "hiar.trace": traceId,
      "hiar.app_id": app.id,
      "http.route": "/create",
      "http.response.status_code": 200,
    });
    const database = spans.filter((s) => s.name.startsWith("prisma:"));
    expect(database.length, spans.map((s) => s.name).join(", ")).toBeGreaterThan(0);
    // The commit's wake-up signal (pg_notify, not awaited by the request) may still be running:
    // its spans end after the request's, so they are waited for, not expected at once.
    await expect
      .poll(() => {
        const now = inTrace(traceId);
        return now
          .filter((s) => s.name.startsWith("prisma:"))
          .filter((s) => !(request && descendsFrom(s, request, now)))
          .map((s) => s.name);
      })
      .toEqual([]);
  });

  it("a refused request: its reason as error.type, not an error of the server", async () => {
    const traceId = randomBytes(16).toString("hex");
    const response = await create({ trace: traceId });
    expect(response.status).toBe(401);
    await expect.poll(() => inTrace(traceId).length).toBeGreaterThan(0);
    const [request] = inTrace(traceId);
    expect(request?.attributes).toMatchObject({
      "http.response.status_code": 401,
      "error.type": "UNAUTHENTICATED",
    });
    expect(request?.status.code).not.toBe(2);
  });
});

describe("the production build with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  let collector: Server;
  const exported: string[] = [];
  let server: TestServer;

  beforeAll(async () => {
    // An OTLP/HTTP collector stand-in: keeps every body POSTed to /v1/traces.
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (req.method === "POST" && req.url === "/v1/traces") {
          exported.push(Buffer.concat(chunks).toString("utf8"));
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    server = await startTestServer("pglite", {
      appCount: 1,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "collab-artifact-test" },
    });
  });
  afterAll(async () => {
    await server?.stop();
    collector?.close();
  });

  it("exports the request's span, under the caller's trace id, to <endpoint>/v1/traces", async () => {
    const [app] = server.apps;
    if (app === undefined) throw new Error("no app");
    const traceId = randomBytes(16).toString("hex");
    const url = new URL("/create", server.baseUrl);
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        trace: traceId,
        ...signRequestHeaders({ appId: app.id, secret: app.secret, method: "POST", url }),
      },
      body: JSON.stringify({ userID: "exported" }),
    });
    expect(response.status).toBe(200);
    // Batched: exported within the processor's delay (5 s).
    await expect
      .poll(() => exported.some((body) => body.includes(traceId)), { timeout: 30_000 })
      .toBe(true);
    const body = exported.find((b) => b.includes(traceId)) ?? "";
    expect(body).toContain("POST /create");
    expect(body).toContain("collab-artifact-test");
    expect(body).toContain("prisma:");
  });
});

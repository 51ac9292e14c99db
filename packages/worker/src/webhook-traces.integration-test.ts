import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@collab/db/testing";
import { InMemorySpanExporter, startTracing, type Tracing } from "@collab/tracing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveWorkerSettings } from "./settings";
import { appContext, newSession } from "./test-support";
import { startWebhookDispatcher } from "./webhooks/dispatcher";

// Each webhook POST is a client span (README "Traces"): its app, session, event and attempt,
// the outcome and the receiver's status; the attempt's record in the database beneath it.

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;
let db: TestDatabase;
let receiver: Server;
let url: string;
const statuses = [500, 200];

beforeAll(async () => {
  tracing = startTracing({ serviceName: "collab-worker-test", exporter });
  db = await createTestDatabase();
  receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(statuses.shift() ?? 200).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.close();
  await db?.close();
  await tracing?.shutdown();
});

it("a span per webhook POST, failed then delivered, with its record beneath", async () => {
  const { ctx } = await appContext(db.prisma, { webhookUrl: url });
  const session = await newSession(ctx);
  const dispatcher = startWebhookDispatcher({
    db: db.prisma,
    settings: resolveWorkerSettings({
      webhooks: { allowPrivateNetworks: true, backoffBaseMs: 10, backoffMaxMs: 10 },
    }).webhooks,
    pollIntervalMs: 20,
    log: { info() {}, warn() {}, error() {} },
  });
  try {
    const posts = () => exporter.getFinishedSpans().filter((s) => s.name === "webhook POST");
    await expect.poll(() => posts().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const [failed, delivered] = posts();
    expect(failed?.attributes).toMatchObject({
      "hiar.app_id": ctx.app.id,
      "hiar.session_id": session.sessionID,
      "hiar.event.seq": 1,
      "webhook.attempt": 1,
      "webhook.outcome": "FAILED",
      "http.response.status_code": 500,
    });
    expect(failed?.status.code).toBe(2);
    expect(delivered?.attributes).toMatchObject({
      "hiar.event.seq": 1,
      "webhook.attempt": 2,
      "webhook.outcome": "DELIVERED",
      "http.response.status_code": 200,
    });
    const beneath = exporter
      .getFinishedSpans()
      .filter((s) => s.parentSpanContext?.spanId === delivered?.spanContext().spanId);
    expect(beneath.some((s) => s.name.startsWith("prisma:"))).toBe(true);
  } finally {
    await dispatcher.stop();
  }
});

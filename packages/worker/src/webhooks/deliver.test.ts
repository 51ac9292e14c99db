import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebhookEvent } from "@collab/contracts";
import {
  MemoryNonceStore,
  type StandardWebhookVerification,
  standardWebhookSecret,
  verifyStandardWebhook,
  verifyWebhook,
  type WebhookVerification,
} from "@collab/sdk";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postWebhook } from "./deliver";

// postWebhook's two signatures, seen by a real receiver on 127.0.0.1 that checks the HiAR headers
// (SDK verifyWebhook), the body signature (SDK verifyStandardWebhook) and, independently, the
// published standardwebhooks library. Between them, optionally, a proxy that alters the body in
// transit and keeps every header: HiAR's signature still holds, the body signature does not.

const appId = "hiar0123456789abcdef";
const secret = "Wh5ig0Wh5ig0Wh5ig0Wh5ig0Wh5ig0Ab";

const event: WebhookEvent = {
  eventID: "9001",
  type: "member.accepted",
  appID: appId,
  collaborationID: "c0ffee00c0ffee00c0ffee00c0ffee00",
  sessionID: "5e55105e55105e55105e55105e551050",
  seq: 5,
  time: "2025-11-28T09:46:33.120Z",
  actorID: "bób 🙂", // multi-byte UTF-8: the signature is over bytes
  subjectID: "bób 🙂",
  fromState: "MEMBER_CALLING",
  toState: "MEMBER_TALKING",
  traceID: "trace-1",
  payload: { collaborationID: "c0ffee00c0ffee00c0ffee00c0ffee00", note: "line\u2028break" },
};

interface Seen {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly hiar: WebhookVerification;
  readonly signed: StandardWebhookVerification;
  /** What the published library said: the parsed body, or its error message. */
  readonly library: unknown;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

async function readAll(req: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("postWebhook signs each attempt twice", () => {
  const seen: Seen[] = [];
  let receiver: Server;
  let proxy: Server;
  let receiverOrigin = "";
  let proxyOrigin = "";
  let tamper: (body: Buffer) => Buffer = (body) => body;

  beforeAll(async () => {
    receiver = createServer(async (req, res) => {
      const body = await readAll(req);
      const hiar = await verifyWebhook(req, secret, { appId, nonceStore: new MemoryNonceStore() });
      const signed = verifyStandardWebhook(body, req.headers, secret);
      let library: unknown;
      try {
        library = new Webhook(standardWebhookSecret(secret)).verify(
          body,
          req.headers as Record<string, string>,
        );
      } catch (error) {
        library = (error as Error).message;
      }
      seen.push({ headers: req.headers, body, hiar, signed, library });
      res.writeHead(hiar.ok && signed.ok ? 204 : 401).end();
    });
    receiverOrigin = await listen(receiver);
    // Forwards to the same path and query with the same headers (so HiAR's signature, which
    // covers neither host nor body, still holds), after `tamper` has had the body.
    proxy = createServer(async (req, res) => {
      const body = tamper(await readAll(req));
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !["host", "content-length", "connection"].includes(name),
        ),
      ) as Record<string, string>;
      const upstream = await fetch(`${receiverOrigin}${req.url}`, {
        method: "POST",
        headers,
        body,
      });
      res.writeHead(upstream.status).end();
    });
    proxyOrigin = await listen(proxy);
  });
  beforeEach(() => {
    seen.length = 0;
    tamper = (body) => body;
  });
  afterAll(async () => {
    for (const server of [proxy, receiver]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  const post = (origin: string, attempt = 1) =>
    postWebhook({
      url: `${origin}/hooks/collab?tenant=1`,
      appId,
      secret,
      body: event,
      attempt,
      timeoutMs: 5_000,
      allowPrivateNetworks: true,
    });

  it("with the HiAR headers and the Standard Webhooks headers over the exact body bytes", async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await post(receiverOrigin);
    const after = Math.ceil(Date.now() / 1000);
    expect(result).toMatchObject({ ok: true, httpStatus: 204, error: null });
    const [one] = seen;
    expect(one?.hiar).toMatchObject({ ok: true, appId });
    expect(one?.signed).toStrictEqual({
      ok: true,
      id: event.eventID,
      timestamp: expect.any(Date),
      event,
    });
    expect(one?.library).toStrictEqual(event);
    expect(one?.body.equals(Buffer.from(JSON.stringify(event), "utf8"))).toBe(true);
    const headers = one?.headers ?? {};
    // webhook-id is the event id receivers already deduplicate on (header and body).
    expect(headers["webhook-id"]).toBe(event.eventID);
    expect(headers["x-hiar-webhook-event-id"]).toBe(event.eventID);
    // webhook-timestamp is this attempt's time, the same clock reading as the HiAR date.
    const timestamp = Number(headers["webhook-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    expect(Math.floor(Date.parse(String(headers["x-hiar-openapi-date"])) / 1000)).toBe(timestamp);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(headers["content-type"]).toBe("application/json");
  });

  it("a retry keeps the webhook-id and is signed afresh", async () => {
    await post(receiverOrigin, 1);
    await post(receiverOrigin, 2);
    expect(seen.map((s) => s.headers["webhook-id"])).toStrictEqual([event.eventID, event.eventID]);
    expect(seen.map((s) => s.headers["x-hiar-webhook-attempt"])).toStrictEqual(["1", "2"]);
    expect(seen.every((s) => s.hiar.ok && s.signed.ok)).toBe(true);
  });

  it("through a proxy that keeps the body, both schemes verify", async () => {
    expect(await post(proxyOrigin)).toMatchObject({ ok: true, httpStatus: 204 });
    expect(seen[0]).toMatchObject({ hiar: { ok: true }, signed: { ok: true } });
  });

  it("a body altered in transit passes HiAR's check and fails the body signature", async () => {
    tamper = (body) =>
      Buffer.from(
        body.toString("utf8").replace('"toState":"MEMBER_TALKING"', '"toState":"MEMBER_LEFT"'),
      );
    const result = await post(proxyOrigin);
    expect(result).toMatchObject({ ok: false, httpStatus: 401, error: "HTTP 401" });
    const [one] = seen;
    expect(JSON.parse(one?.body.toString("utf8") ?? "")).toMatchObject({ toState: "MEMBER_LEFT" });
    expect(one?.hiar).toMatchObject({ ok: true }); // HiAR's scheme does not cover the body
    expect(one?.signed).toMatchObject({ ok: false, reason: "SIGNATURE_MISMATCH", httpStatus: 401 });
    expect(one?.library).toBe("No matching signature found");
  });
});

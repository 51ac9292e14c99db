import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { standardWebhookSecret, verifyStandardWebhook } from "./standard-webhook";
import { receiveWebhook } from "./webhook";

// The body signature (Standard Webhooks "v1") as a receiver checks it. The vector below is fixed:
// its signature is written out, recomputed here with node:crypto straight from the spec's recipe,
// and checked against the published `standardwebhooks` library, so neither our signer nor this
// verifier can drift from the spec without a test failing.

const secret = "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1"; // an app secret as issued: 32 of [A-Za-z0-9]
const id = "1042";
const timestamp = 1_764_323_193; // 2025-11-28T09:46:33Z
const body =
  '{"eventID":"1042","type":"member.timeout","appID":"hiar1d98ncv515f5e1","collaborationID":"c0ffee00c0ffee00c0ffee00c0ffee00","sessionID":"5e55105e55105e55105e55105e551050","seq":7,"time":"2025-11-28T09:46:33.120Z","actorID":null,"subjectID":"bob","fromState":"MEMBER_CALLING","toState":"MEMBER_TIMEOUT","traceID":null,"payload":{"collaborationID":"c0ffee00c0ffee00c0ffee00c0ffee00","invitedAt":"2025-11-28T09:45:33.090Z"}}';
const signature = "v1,ncoEPS+0G/Yqs2wWfqXpKkX+xZcW9ESykHpV4VX/jVk=";
const whsec = "whsec_SWtjeUNXcFJ4akN6dHp2T2pIZExLS2ZnVHB6bUNxUTE=";
/** The receiver's clock: 30 s after the attempt. */
const now = new Date((timestamp + 30) * 1000);

/** The spec's recipe, by hand: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")). */
function handSigned(key: string, msgId: string, seconds: number, payload: string | Buffer) {
  const content = Buffer.concat([Buffer.from(`${msgId}.${seconds}.`), Buffer.from(payload)]);
  return `v1,${createHmac("sha256", Buffer.from(key, "utf8")).update(content).digest("base64")}`;
}

function headers(overrides: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

describe("the test vector", () => {
  it("is what the spec's recipe gives, with the app secret's UTF-8 bytes as the key", () => {
    expect(handSigned(secret, id, timestamp, body)).toBe(signature);
    expect(standardWebhookSecret(secret)).toBe(whsec);
    expect(whsec).toBe(`whsec_${Buffer.from(secret).toString("base64")}`);
  });

  it("is what the published standardwebhooks library signs, from the whsec_ form or raw", () => {
    const at = new Date(timestamp * 1000);
    expect(new Webhook(whsec).sign(id, at, body)).toBe(signature);
    expect(new Webhook(secret, { format: "raw" }).sign(id, at, body)).toBe(signature);
  });

  it("includes the README's short vector (for porting the check to another language)", () => {
    const short = '{"eventID":"1042"}';
    const expected = "v1,VEqaHy2x5ItoAic0HnS5PbwOXQe+I9vsi52ZRUpNfiM=";
    expect(handSigned(secret, id, timestamp, short)).toBe(expected);
    expect(new Webhook(whsec).sign(id, new Date(timestamp * 1000), short)).toBe(expected);
  });

  it("verifies with the published library, which refuses a changed body", () => {
    vi.useFakeTimers({ toFake: ["Date"], now });
    try {
      const library = new Webhook(whsec);
      expect(library.verify(body, headers())).toMatchObject({ eventID: id, seq: 7 });
      expect(() => library.verify(body.replace('"seq":7', '"seq":8'), headers())).toThrow(
        "No matching signature found",
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("verifyStandardWebhook", () => {
  it("accepts the vector and returns the typed event, parsed after verifying", () => {
    const verified = verifyStandardWebhook(body, headers(), secret, { now });
    expect(verified).toStrictEqual({
      ok: true,
      id,
      timestamp: new Date(timestamp * 1000),
      event: expect.objectContaining({
        eventID: id,
        type: "member.timeout",
        seq: 7,
        toState: "MEMBER_TIMEOUT",
      }),
    });
  });

  it("takes the raw body as a string, Buffer, Uint8Array or ArrayBuffer, and a fetch Headers", () => {
    const bytes = Buffer.from(body);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    for (const raw of [body, bytes, new Uint8Array(bytes), arrayBuffer]) {
      expect(verifyStandardWebhook(raw, headers(), secret, { now })).toMatchObject({ ok: true });
    }
    const fetchHeaders = new Headers({
      "Webhook-Id": id,
      "Webhook-Timestamp": String(timestamp),
      "Webhook-Signature": signature,
    });
    expect(verifyStandardWebhook(body, fetchHeaders, secret, { now })).toMatchObject({ ok: true });
  });

  it("refuses a body altered in any way, also one merely re-serialised", () => {
    const altered = [
      body.replace('"subjectID":"bob"', '"subjectID":"eve"'),
      `${body} `,
      body.slice(0, -1),
      JSON.stringify(JSON.parse(body), null, 2), // what parsing before verifying does
      "",
    ];
    for (const raw of altered) {
      expect(verifyStandardWebhook(raw, headers(), secret, { now })).toStrictEqual({
        ok: false,
        reason: "SIGNATURE_MISMATCH",
        message: "no webhook-signature matches this body with this secret",
        httpStatus: 401,
      });
    }
  });

  it("refuses another secret, and a changed id or timestamp (they are signed too)", () => {
    for (const wrong of ["IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ2", whsec]) {
      expect(verifyStandardWebhook(body, headers(), wrong, { now })).toMatchObject({
        ok: false,
        reason: "SIGNATURE_MISMATCH",
      });
    }
    expect(
      verifyStandardWebhook(body, headers({ "webhook-id": "1043" }), secret, { now }),
    ).toMatchObject({ reason: "SIGNATURE_MISMATCH" });
    expect(
      verifyStandardWebhook(body, headers({ "webhook-timestamp": String(timestamp + 1) }), secret, {
        now,
      }),
    ).toMatchObject({ reason: "SIGNATURE_MISMATCH" });
  });

  it("refuses a timestamp outside the tolerance, both ways; the tolerance is an option", () => {
    const at = (seconds: number) => new Date((timestamp + seconds) * 1000);
    expect(verifyStandardWebhook(body, headers(), secret, { now: at(300) })).toMatchObject({
      ok: true,
    });
    expect(verifyStandardWebhook(body, headers(), secret, { now: at(-300) })).toMatchObject({
      ok: true,
    });
    expect(verifyStandardWebhook(body, headers(), secret, { now: at(301) })).toStrictEqual({
      ok: false,
      reason: "TIMESTAMP_OUTSIDE_WINDOW",
      message: "webhook-timestamp is 301 s old (tolerance 300 s)",
      httpStatus: 401,
    });
    expect(verifyStandardWebhook(body, headers(), secret, { now: at(-301) })).toMatchObject({
      reason: "TIMESTAMP_OUTSIDE_WINDOW",
      message: "webhook-timestamp is 301 s in the future (tolerance 300 s)",
    });
    expect(
      verifyStandardWebhook(body, headers(), secret, { now: at(61), toleranceSeconds: 60 }),
    ).toMatchObject({ reason: "TIMESTAMP_OUTSIDE_WINDOW" });
    // A valid signature does not rescue an old attempt: replaying it later is refused.
    expect(verifyStandardWebhook(body, headers(), secret)).toMatchObject({
      reason: "TIMESTAMP_OUTSIDE_WINDOW",
    });
  });

  it("accepts a header with several signatures when one matches (secret rotation)", () => {
    const oldSecret = "0ldSecret0ldSecret0ldSecret0ldSe";
    const byOld = handSigned(oldSecret, id, timestamp, body);
    const otherVersions = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXq==";
    const cases = [
      `${byOld} ${signature}`,
      `${signature} ${byOld}`,
      `${otherVersions} ${signature}`,
      `v1,AAAA ${signature}`,
    ];
    for (const value of cases) {
      expect(
        verifyStandardWebhook(body, headers({ "webhook-signature": value }), secret, { now }),
      ).toMatchObject({ ok: true });
    }
    // A receiver that knows two secrets accepts a webhook signed with either.
    expect(
      verifyStandardWebhook(body, headers({ "webhook-signature": byOld }), [secret, oldSecret], {
        now,
      }),
    ).toMatchObject({ ok: true });
    for (const value of [byOld, otherVersions, `v2,${signature.slice(3)}`, signature.slice(3)]) {
      expect(
        verifyStandardWebhook(body, headers({ "webhook-signature": value }), secret, { now }),
      ).toMatchObject({ reason: "SIGNATURE_MISMATCH" });
    }
  });

  it("refuses missing or malformed headers before computing anything", () => {
    const cases: Record<string, string | undefined>[] = [
      { "webhook-id": undefined },
      { "webhook-timestamp": undefined },
      { "webhook-signature": undefined },
      { "webhook-id": "10.42" },
      { "webhook-id": "x".repeat(257) },
      { "webhook-timestamp": "1764323193.5" },
      { "webhook-timestamp": "2025-11-28T09:46:33Z" },
      { "webhook-timestamp": "-1" },
    ];
    for (const overrides of cases) {
      expect(verifyStandardWebhook(body, headers(overrides), secret, { now })).toMatchObject({
        ok: false,
        reason: "SIGNATURE_MISSING",
        httpStatus: 401,
      });
    }
  });

  it("refuses a correctly signed body that is not one of our events (400)", () => {
    const sign = (raw: string, msgId = id) =>
      headers({
        "webhook-id": msgId,
        "webhook-signature": handSigned(secret, msgId, timestamp, raw),
      });
    expect(verifyStandardWebhook("not json", sign("not json"), secret, { now })).toStrictEqual({
      ok: false,
      reason: "INVALID_EVENT",
      message: "the body is not JSON",
      httpStatus: 400,
    });
    expect(verifyStandardWebhook('{"a":1}', sign('{"a":1}'), secret, { now })).toMatchObject({
      reason: "INVALID_EVENT",
    });
    expect(verifyStandardWebhook(body, sign(body, "1043"), secret, { now })).toMatchObject({
      reason: "INVALID_EVENT",
      message: "the body's eventID is not webhook-id",
    });
  });

  it("throws on the receiver's own mistakes: a parsed body, no secret, NaN options", () => {
    const parsed = JSON.parse(body) as unknown as string;
    expect(() => verifyStandardWebhook(parsed, headers(), secret, { now })).toThrow(TypeError);
    expect(() => verifyStandardWebhook(body, headers(), "", { now })).toThrow(TypeError);
    expect(() => verifyStandardWebhook(body, headers(), [], { now })).toThrow(TypeError);
    expect(() => standardWebhookSecret("")).toThrow(TypeError);
    // Options that would silently disable the window.
    for (const options of [{ toleranceSeconds: Number.NaN }, { now: new Date("nope") }]) {
      expect(() => verifyStandardWebhook(body, headers(), secret, options)).toThrow(TypeError);
    }
  });
});

describe("receiveWebhook", () => {
  const post = (raw: RequestInit["body"]) =>
    new Request("https://receiver.example.com/hooks", {
      method: "POST",
      headers: { ...headers(), "content-type": "application/json" },
      body: raw,
      ...(raw instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);

  it("reads a fetch Request's raw body, verifies it, then parses it", async () => {
    expect(await receiveWebhook(post(body), secret, { now })).toMatchObject({
      ok: true,
      event: { eventID: id },
    });
    expect(await receiveWebhook(post(`${body}\n`), secret, { now })).toMatchObject({
      reason: "SIGNATURE_MISMATCH",
    });
    // Headers are checked before the body is read.
    const stale = post(body);
    expect(await receiveWebhook(stale, secret)).toMatchObject({
      reason: "TIMESTAMP_OUTSIDE_WINDOW",
    });
    expect(stale.bodyUsed).toBe(false);
  });

  it("refuses a body over maxBodyBytes without buffering it", async () => {
    expect(await receiveWebhook(post(body), secret, { now, maxBodyBytes: 100 })).toStrictEqual({
      ok: false,
      reason: "BODY_TOO_LARGE",
      message: "the body is larger than 100 bytes",
      httpStatus: 413,
    });
    // No content-length: the stream is cut once it passes the limit.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    expect(
      await receiveWebhook(post(endless), secret, { now, maxBodyBytes: 1_048_576 }),
    ).toMatchObject({ reason: "BODY_TOO_LARGE" });
    expect(pulled).toBeLessThan(40);
  });

  it("throws when the body was already consumed (a parser ran first)", async () => {
    const request = post(body);
    await request.json();
    await expect(receiveWebhook(request, secret, { now })).rejects.toThrow(/raw body/);
  });

  describe("with Node's IncomingMessage", () => {
    let server: Server;
    let url = "";
    /** What a framework's body parser did before the handler. */
    let prepare: (req: IncomingMessage) => Promise<void> | void = () => {};

    beforeAll(async () => {
      server = createServer(async (req, res) => {
        await prepare(req);
        receiveWebhook(req, secret, { now, maxBodyBytes: 4096 }).then(
          (verified) =>
            verified.ok
              ? res.writeHead(204).end()
              : res.writeHead(verified.httpStatus, { connection: "close" }).end(verified.reason),
          (error: Error) => res.writeHead(500).end(error.message),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    });
    afterEach(() => {
      prepare = () => {};
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    const send = async (raw: string, extra: Record<string, string> = {}) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...headers(), "content-type": "application/json", ...extra },
        body: raw,
      });
      return [response.status, await response.text()] as const;
    };

    it("verifies the raw bytes streamed in, and refuses them altered", async () => {
      expect(await send(body)).toStrictEqual([204, ""]);
      expect(await send(body.replace("bob", "eve"))).toStrictEqual([401, "SIGNATURE_MISMATCH"]);
      expect(await send(body, { "webhook-signature": "v1,AAAA" })).toStrictEqual([
        401,
        "SIGNATURE_MISMATCH",
      ]);
      expect(await send("x".repeat(5000))).toStrictEqual([413, "BODY_TOO_LARGE"]);
    });

    it("uses the bytes express.raw() left in req.body; refuses to guess from parsed JSON", async () => {
      const bytesOf = async (req: IncomingMessage) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      };
      prepare = async (req) => {
        Object.assign(req, { body: await bytesOf(req) }); // express.raw()
      };
      expect(await send(body)).toStrictEqual([204, ""]);
      prepare = async (req) => {
        Object.assign(req, { body: JSON.parse((await bytesOf(req)).toString()) }); // express.json()
      };
      const [status, message] = await send(body);
      expect(status).toBe(500);
      expect(message).toMatch(/raw body/);
      // A parser that skipped the request (another content type) leaves {} and the stream unread.
      prepare = (req) => {
        Object.assign(req, { body: {} });
      };
      expect(await send(body)).toStrictEqual([204, ""]);
    });
  });
});

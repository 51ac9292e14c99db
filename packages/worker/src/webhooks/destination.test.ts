import type { LookupAddress } from "node:dns";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import type { WebhookEvent } from "@collab/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postWebhook } from "./deliver";
import { PrivateDestinationError, publicOnlyLookup, refuseIpLiteral } from "./destination";

// The SSRF guard without a database: the connect-time lookup on fake resolvers (no socket is
// opened for those), and postWebhook against a receiver on 127.0.0.1 reached through a name that
// a test resolver maps to it. Nothing here connects anywhere but loopback.

const hint = "set WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 to allow";

/** A resolver that answers `addresses` for every name, recording the names asked. */
function fakeResolver(addresses: readonly string[], asked: string[] = []): LookupFunction {
  return (hostname, _options, callback) => {
    asked.push(hostname);
    const all: LookupAddress[] = addresses.map((address) => ({
      address,
      family: address.includes(":") ? 6 : 4,
    }));
    queueMicrotask(() => callback(null, all));
  };
}

function lookupWith(
  resolve: LookupFunction,
  all: boolean,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((done) =>
    publicOnlyLookup(resolve)("hooks.example.com", { all }, (error, address, family) =>
      done({ error, address, ...(family === undefined ? {} : { family }) }),
    ),
  );
}

describe("publicOnlyLookup (the connect-time check)", () => {
  it("hands over public addresses as resolved, for all or one", async () => {
    const resolve = fakeResolver(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
    expect(await lookupWith(resolve, true)).toStrictEqual({
      error: null,
      address: [
        { address: "93.184.215.14", family: 4 },
        { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
      ],
    });
    expect(await lookupWith(resolve, false)).toStrictEqual({
      error: null,
      address: "93.184.215.14",
      family: 4,
    });
  });

  it("refuses the name if any address is not public unicast", async () => {
    for (const [addresses, address, words] of [
      [["127.0.0.1"], "127.0.0.1", "a loopback address"],
      [["93.184.215.14", "10.0.0.5"], "10.0.0.5", "in a private network"],
      [["169.254.169.254"], "169.254.169.254", "a link-local address"],
      [["100.64.0.7"], "100.64.0.7", "in the carrier-grade NAT range (100.64.0.0/10)"],
      [["2606:4700:4700::1111", "fd00::1"], "fd00::1", "a unique-local address (fc00::/7)"],
      [["::ffff:192.168.1.1"], "::ffff:192.168.1.1", "in a private network"],
      [["0.0.0.0"], "0.0.0.0", "the unspecified address"],
    ] as const) {
      for (const all of [true, false]) {
        const { error } = await lookupWith(fakeResolver(addresses), all);
        expect(error).toBeInstanceOf(PrivateDestinationError);
        expect(error?.message).toBe(
          `destination hooks.example.com resolves to ${address}, which is ${words}; ${hint}`,
        );
      }
    }
  });

  it("passes resolver errors through and treats no address as not found", async () => {
    const failing: LookupFunction = (_host, _options, callback) =>
      callback(Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" }), "");
    expect((await lookupWith(failing, true)).error?.code).toBe("EAI_AGAIN");
    expect((await lookupWith(fakeResolver([]), true)).error?.code).toBe("ENOTFOUND");
  });
});

describe("refuseIpLiteral (hosts connected to without a lookup)", () => {
  it("refuses literal addresses outside public unicast, leaves names to the lookup", () => {
    expect(refuseIpLiteral(new URL("http://10.0.0.5/admin"))?.message).toBe(
      `destination 10.0.0.5 is in a private network; ${hint}`,
    );
    expect(refuseIpLiteral(new URL("http://[::ffff:127.0.0.1]:8080/"))?.message).toBe(
      `destination ::ffff:7f00:1 is a loopback address; ${hint}`,
    );
    expect(refuseIpLiteral(new URL("http://2130706433/"))?.message).toContain("127.0.0.1");
    expect(refuseIpLiteral(new URL("https://93.184.215.14/hook"))).toBeNull();
    expect(refuseIpLiteral(new URL("https://localhost/hook"))).toBeNull(); // resolved, then refused
  });
});

describe("postWebhook and private networks", () => {
  let server: Server;
  let port = 0;
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  let answer: (res: import("node:http").ServerResponse) => void = (res) => res.end("ok");

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url ?? "", headers: req.headers });
      req.resume();
      req.on("end", () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    requests.length = 0;
    answer = (res) => res.end("ok");
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-0001";
  const body: WebhookEvent = {
    eventID: "1",
    type: "session.created",
    appID: "hiar0000000000000001",
    collaborationID: "c".repeat(32),
    sessionID: "s".repeat(32),
    seq: 1,
    time: new Date(0).toISOString(),
    actorID: null,
    subjectID: null,
    fromState: null,
    toState: null,
    traceID: null,
    payload: {},
  };
  const post = (url: string, allowPrivateNetworks: boolean, resolve?: LookupFunction) =>
    postWebhook({
      url,
      appId: body.appID,
      secret,
      body,
      attempt: 1,
      timeoutMs: 2_000,
      allowPrivateNetworks,
      ...(resolve === undefined ? {} : { resolve }),
    });

  it("refuses a literal loopback receiver without resolving or connecting", async () => {
    const asked: string[] = [];
    const result = await post(
      `http://127.0.0.1:${port}/hook`,
      false,
      fakeResolver(["127.0.0.1"], asked),
    );
    expect(result).toMatchObject({
      ok: false,
      refused: true,
      httpStatus: null,
      error: `destination 127.0.0.1 is a loopback address; ${hint}`,
    });
    expect(asked).toStrictEqual([]);
    expect(requests).toHaveLength(0);
  });

  it("refuses a name resolving to loopback when connecting; connects to it once allowed", async () => {
    const url = `http://hooks.example.test:${port}/hook?x=1`;
    const asked: string[] = [];
    const refused = await post(url, false, fakeResolver(["127.0.0.1"], asked));
    expect(refused).toMatchObject({
      ok: false,
      refused: true,
      httpStatus: null,
      error: `destination hooks.example.test resolves to 127.0.0.1, which is a loopback address; ${hint}`,
    });
    expect(refused.error).not.toContain(secret);
    expect(asked).toStrictEqual(["hooks.example.test"]); // checked at connect, not before
    expect(requests).toHaveLength(0);

    // The same resolver with private networks allowed: its answer is what is connected to.
    const delivered = await post(url, true, fakeResolver(["127.0.0.1"]));
    expect(delivered).toMatchObject({ ok: true, refused: false, httpStatus: 200, error: null });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe("/hook?x=1");
    expect(requests[0]?.headers.host).toBe(`hooks.example.test:${port}`);
  });

  it("still follows no redirect and drains at most 64 KiB of an answer", async () => {
    answer = (res) => res.writeHead(302, { location: "http://127.0.0.1:9/elsewhere" }).end();
    expect(await post(`http://127.0.0.1:${port}/hook`, true)).toMatchObject({
      ok: false,
      httpStatus: 302,
      error: "HTTP 302",
      refused: false,
    });
    expect(requests).toHaveLength(1);

    answer = (res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.alloc(4 * 1024 * 1024));
    };
    expect(await post(`http://127.0.0.1:${port}/hook`, true)).toMatchObject({
      ok: true,
      httpStatus: 200,
    });
  });
});

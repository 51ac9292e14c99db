import { adapterTestTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The console's typed endpoint (/api/trpc) over real HTTP against the production build, per
// database: whatever is wrong with a request gets a catalogue 4xx in the console's error shape
// (never a 500 or a stack trace in the log), requests are bounded, sign-out revokes the session
// on the server, and mutations must come from the same origin, scheme included.

interface TrpcErrorBody {
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      path?: string | null;
      hiar: { code: number; reason: string; field: string | null };
    };
  };
}

const MAX_BATCH = 10;
const MAX_BODY = 1024 * 1024;

describe.each(adapterTestTargets())("the console endpoint on %s", (target) => {
  let server: TestServer;
  let appA: Credentials;
  let appB: Credentials;
  let traceNo = 0;

  const url = (path: string) => `${server.baseUrl}${path}`;
  const sameOrigin = () => ({ origin: server.baseUrl });

  /** A request to the endpoint with a trace id of its own (to find its log line). */
  async function call(path: string, init: RequestInit = {}) {
    const trace = `endpoint-${target}-${++traceNo}`;
    const response = await fetch(url(`/api/trpc/${path}`), {
      ...init,
      headers: { trace, ...(init.headers as Record<string, string>) },
    });
    const text = await response.text();
    return { response, text, trace, json: () => JSON.parse(text) as unknown };
  }

  async function signIn(credentials: Credentials, headers: Record<string, string> = sameOrigin()) {
    const { response } = await call("auth.signIn", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ appId: credentials.id, secret: credentials.secret }),
    });
    return { response, cookie: (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
  }
  const meStatus = async (cookie: string) =>
    (await call("auth.me", { headers: { cookie } })).response.status;

  /** The server's log lines for one trace id. */
  const logLines = (trace: string) =>
    server
      .output()
      .split("\n")
      .filter((line) => line.includes(`"${trace}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    // The tests play a TLS-terminating proxy on 127.0.0.1 (X-Forwarded-Proto): the server believes
    // forwarded headers only from peers TRUST_PROXY names.
    server = await startTestServer(target, { appCount: 2, env: { TRUST_PROXY: "loopback" } });
    const [first, second] = server.apps;
    if (!first || !second) throw new Error("two apps were provisioned");
    appA = first;
    appB = second;
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("answers a malformed request 4xx, in the console's error shape, logged at info without a stack", () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = (await signIn(appA)).cookie;
    });

    const json = { "content-type": "application/json" };
    const cases: {
      name: string;
      path: string;
      init?: () => RequestInit;
      status: number;
      reason: string;
      message?: string | RegExp;
    }[] = [
      { name: "an unknown procedure", path: "no.such", status: 404, reason: "NOT_FOUND" },
      {
        name: "a mutation sent with GET",
        path: "auth.signIn",
        status: 400,
        reason: "INVALID_PARAM",
        message: /^wrong HTTP method/,
      },
      {
        name: "a query sent with PUT",
        path: "auth.me",
        init: () => ({ method: "PUT", headers: json, body: "{}" }),
        status: 400,
        reason: "INVALID_PARAM",
      },
      {
        name: "DELETE without a content type",
        path: "auth.me",
        init: () => ({ method: "DELETE" }),
        status: 415,
        reason: "UNSUPPORTED_MEDIA_TYPE",
      },
      {
        name: "a body that is not JSON",
        path: "auth.signIn",
        init: () => ({ method: "POST", headers: { ...json, ...sameOrigin() }, body: "{bad" }),
        status: 400,
        reason: "INVALID_PARAM",
        message: "the input is not valid JSON",
      },
      {
        name: "query input that is not JSON",
        path: `session.get?input=${encodeURIComponent("{bad")}`,
        init: () => ({ headers: { cookie } }),
        status: 400,
        reason: "INVALID_PARAM",
        message: "the input is not valid JSON",
      },
      {
        name: "a text/plain body",
        path: "auth.signIn",
        init: () => ({
          method: "POST",
          headers: { "content-type": "text/plain", ...sameOrigin() },
          body: "x",
        }),
        status: 415,
        reason: "UNSUPPORTED_MEDIA_TYPE",
      },
      {
        name: "a body over 1 MiB",
        path: "auth.signIn",
        init: () => ({
          method: "POST",
          headers: { ...json, ...sameOrigin() },
          body: JSON.stringify({ appId: "x", secret: "y".repeat(MAX_BODY) }),
        }),
        status: 413,
        reason: "PAYLOAD_TOO_LARGE",
      },
      {
        name: "a streamed (chunked) body over 1 MiB",
        path: "auth.signIn",
        init: () => ({
          method: "POST",
          headers: { ...json, ...sameOrigin() },
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32));
              controller.close();
            },
          }),
          duplex: "half",
        }),
        status: 413,
        reason: "PAYLOAD_TOO_LARGE",
      },
    ];

    it.each(cases)("$name → $status $reason", async ({ path, init, status, reason, message }) => {
      const { response, json: body, trace } = await call(path, init?.());
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("trace")).toBe(trace);
      const { error } = body() as TrpcErrorBody;
      expect(error.data.httpStatus).toBe(status);
      expect(error.data.hiar).toMatchObject({ reason });
      if (message !== undefined) expect(error.message).toMatch(message);
      // Never an internal error, and never tRPC's own wording quoting the request.
      expect(error.message).not.toMatch(/internal error|No procedure found|Unsupported/);

      const lines = logLines(trace);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const line of lines) {
        expect(line).toMatchObject({ level: 30, status, reason });
        expect(JSON.stringify(line)).not.toMatch(/stack|"err"/);
      }
    });

    it("refuses a batch of more than 10 calls at once, and answers a batch of 10", async () => {
      const paths = (n: number) => Array.from({ length: n }, () => "auth.me").join(",");
      const tooMany = await call(`${paths(MAX_BATCH + 1)}?batch=1`);
      expect(tooMany.response.status).toBe(413);
      const { error } = tooMany.json() as TrpcErrorBody;
      expect(error.data.hiar.reason).toBe("PAYLOAD_TOO_LARGE");
      expect(error.message).toBe(`too many calls in one batch (at most ${MAX_BATCH})`);
      // Even thousands of paths are refused whole, in one short answer.
      const huge = await call(`${Array.from({ length: 2_000 }, () => "a.b").join(",")}?batch=1`);
      expect(huge.response.status).toBe(413);
      expect(huge.text.length).toBeLessThan(1_000);

      const full = await call(`${paths(MAX_BATCH)}?batch=1`, { headers: { cookie } });
      expect(full.response.status).toBe(200);
      expect(full.json()).toHaveLength(MAX_BATCH);

      // A batch whose input is not an object keyed by index.
      const bad = await call("auth.signIn?batch=1", {
        method: "POST",
        headers: { ...json, ...sameOrigin() },
        body: "[1]",
      });
      expect(bad.response.status).toBe(400);
      expect((bad.json() as TrpcErrorBody[])[0]?.error.data.hiar.reason).toBe("INVALID_PARAM");
    });

    it("wrote no error-level line and no stack trace for any of them", () => {
      const ours = server
        .output()
        .split("\n")
        .filter((line) => line.includes(`"endpoint-${target}-`));
      expect(ours.length).toBeGreaterThan(0);
      for (const line of ours) {
        expect((JSON.parse(line) as { level: number }).level).toBeLessThan(40);
        expect(line).not.toContain("stack");
      }
    });
  });

  describe("console sessions are revoked on the server", () => {
    it("sign-out: a copied cookie is refused afterwards, by procedures and pages alike", async () => {
      const { response, cookie } = await signIn(appA);
      expect(response.status).toBe(200);
      const copy = cookie;
      expect(await meStatus(copy)).toBe(200);
      const page = await fetch(url("/console"), { headers: { cookie: copy }, redirect: "manual" });
      expect(page.status).toBe(200);

      const signedOut = await call("auth.signOut", {
        method: "POST",
        headers: { "content-type": "application/json", ...sameOrigin(), cookie },
      });
      expect(signedOut.response.status).toBe(200);
      expect(signedOut.response.headers.get("set-cookie")).toMatch(/Max-Age=0/);

      const replay = await call("auth.me", { headers: { cookie: copy } });
      expect(replay.response.status).toBe(401);
      expect((replay.json() as TrpcErrorBody).error.data.hiar.reason).toBe("UNAUTHENTICATED");
      const list = await call("collaboration.list?input=%7B%7D", { headers: { cookie: copy } });
      expect(list.response.status).toBe(401);
      const again = await fetch(url("/console"), { headers: { cookie: copy }, redirect: "manual" });
      expect(again.status).toBeGreaterThanOrEqual(300);
      expect(again.status).toBeLessThan(400);
      expect(again.headers.get("location")).toContain("/console/sign-in");
    });

    it("sign out everywhere: another browser's session ends too, another app's does not", async () => {
      const first = (await signIn(appA)).cookie;
      const second = (await signIn(appA)).cookie;
      const otherApp = (await signIn(appB)).cookie;
      expect(await meStatus(second)).toBe(200);

      // A mutation: refused cross-site.
      const crossSite = await call("auth.signOutEverywhere", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: "https://evil.example",
          cookie: first,
        },
      });
      expect(crossSite.response.status).toBe(403);
      expect(await meStatus(second)).toBe(200);

      const everywhere = await call("auth.signOutEverywhere", {
        method: "POST",
        headers: { "content-type": "application/json", ...sameOrigin(), cookie: first },
      });
      expect(everywhere.response.status).toBe(200);
      const result = everywhere.json() as { result: { data: { revokedSessions: number } } };
      expect(result.result.data.revokedSessions).toBeGreaterThanOrEqual(2);
      expect(await meStatus(first)).toBe(401);
      expect(await meStatus(second)).toBe(401);
      expect(await meStatus(otherApp)).toBe(200);
    });
  });

  describe("the same-origin check compares the scheme too", () => {
    it("refuses an https page's sign-in on this http server, and the reverse behind a proxy", async () => {
      // This server is plain http: an Origin naming https is another origin.
      const httpsOrigin = server.baseUrl.replace("http://", "https://");
      const refused = await signIn(appA, { origin: httpsOrigin });
      expect(refused.response.status).toBe(403);
      expect(refused.cookie).toBe("");

      // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the https page is the console's
      // own, and a plain-http page is not.
      const proxied = await signIn(appA, { origin: httpsOrigin, "x-forwarded-proto": "https" });
      expect(proxied.response.status).toBe(200);
      const downgraded = await signIn(appA, {
        origin: server.baseUrl,
        "x-forwarded-proto": "https",
      });
      expect(downgraded.response.status).toBe(403);
    });
  });
});

describe("the console endpoint in production without CONSOLE_SESSION_SECRET", () => {
  const [target = "pglite"] = adapterTestTargets();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1, env: { CONSOLE_SESSION_SECRET: "" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("refuses sign-in plainly (403, saying why), never a 500, and the sign-in page says so", async () => {
    const [app] = server.apps;
    if (!app) throw new Error("an app was provisioned");
    const response = await fetch(`${server.baseUrl}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ appId: app.id, secret: app.secret }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    const { error } = (await response.json()) as TrpcErrorBody;
    expect(error.data.hiar.reason).toBe("PERMISSION_DENIED");
    expect(error.message).toBe(
      "Console sign-in is disabled: CONSOLE_SESSION_SECRET is not set on the server.",
    );

    const me = await fetch(`${server.baseUrl}/api/trpc/auth.me`);
    expect(me.status).toBe(401);
    const page = await fetch(`${server.baseUrl}/console/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("CONSOLE_SESSION_SECRET is not set");
    expect(server.output()).not.toMatch(/"level":50/);
    // The REST API is unaffected (its health too).
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });
});

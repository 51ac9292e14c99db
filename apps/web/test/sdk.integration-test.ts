import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { TYPE_URLS } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import {
  createHiarClient,
  HiarApiError,
  type HiarClient,
  HiarTransportError,
  verifyWebhook,
} from "@collab/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cutDatabase } from "./database-outage";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { startTestServer, type TestServer } from "./server";

// @collab/sdk against the real production build: typed results, typed errors, retries (through a
// fault proxy, and through a real database outage), timeouts and the example. Its
// built dist/ is checked with the other artifacts, in the long runs (sdk-dist.long-test.ts).

const sdkDir = fileURLToPath(new URL("../../../packages/sdk/", import.meta.url));
const run = promisify(execFile);

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe.each(adapterTestTargets())("@collab/sdk against the server on %s", (target) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let hiar: HiarClient;
  let appId: string;
  let secret: string;
  let userSeq = 0;
  const user = (name: string) => `${name}-${++userSeq}`;

  const client = (overrides: Partial<Parameters<typeof createHiarClient>[0]> = {}) =>
    createHiarClient({ baseUrl: server.baseUrl, appId, secret, ...overrides });

  async function collaboration(creator = user("alice")) {
    const data = await hiar.createCollaboration({
      userID: creator,
      members: [{ userID: user("b") }],
    });
    return { creator, collaborationID: data.collaborationID, sessionID: data.sessionID };
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [app] = server.apps;
    if (!app) throw new Error("an app was provisioned");
    ({ id: appId, secret } = app);
    hiar = client();
    proxy = await startFaultProxy(server.baseUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });
  afterEach(() => {
    proxy.received.length = 0;
  });

  describe("typed results", () => {
    it("creates, invites and queries, with the documented data", async () => {
      const created = await hiar.createCollaboration({ userID: "alice", detail: "sdk" });
      expect(created["@type"]).toBe(TYPE_URLS.CreateResp);
      expect(created.collaborationID).toMatch(/^[0-9a-f]{32}$/);
      const invited = await hiar.inviteSession({
        collaborationID: created.collaborationID,
        sessionID: created.sessionID,
        userID: "alice",
        members: [{ userID: "bob" }, { userID: "carol", confirmState: 1, deviceType: "2" }],
      });
      expect(invited).toEqual({ "@type": TYPE_URLS.Empty, value: {} });
      const { infos } = await hiar.queryCollaborationsByUser({ userID: "carol" });
      const info = infos.find((i) => i.collaborationID === created.collaborationID);
      expect(info?.members.carol).toMatchObject({
        memberSessionState: "MEMBER_CALLING",
        confirmState: "CONFIRM_ACCEPT",
        deviceType: 2,
      });
    });

    it("works under the capability prefix and through call()", async () => {
      const prefixed = client({ baseUrl: `${server.baseUrl}/leliaRTC/` });
      const { infos } = await prefixed.call("queryCollaborationsByUser", { userID: user("x") });
      expect(infos).toEqual([]);
    });
  });

  describe("typed errors", () => {
    it("carries code, reason, message, HTTP status and the trace id; never retried", async () => {
      const ids = await collaboration();
      const error = await rejection(
        hiar.inviteSession(
          { ...ids, sessionID: "0".repeat(32), userID: ids.creator, members: [{ userID: "z" }] },
          { trace: "sdktrace01" },
        ),
      );
      expect(error).toBeInstanceOf(HiarApiError);
      expect(error).toMatchObject({
        name: "HiarApiError",
        code: 1006,
        reason: "NOT_FOUND",
        httpStatus: 404,
        traceId: "sdktrace01",
        attempts: 1,
      });
    });

    it("INVALID_PARAM (400), PERMISSION_DENIED (403), MEMBER_LIMIT_EXCEEDED (409)", async () => {
      const { collaborationID, sessionID } = await hiar.createCollaboration({
        userID: "owner",
        ruleSettings: { numberLimit: 2 },
      });
      const invite = (userID: string, members: string[]) =>
        rejection(
          hiar.inviteSession({
            collaborationID,
            sessionID,
            userID,
            members: members.map((m) => ({ userID: m })),
          }),
        );
      const self = await invite("owner", ["owner"]);
      expect(self).toMatchObject({ reason: "INVALID_PARAM", code: 1001, httpStatus: 400 });
      expect((self as Error).message).toContain("members[0].userID");
      expect(await invite("stranger", ["y"])).toMatchObject({
        reason: "PERMISSION_DENIED",
        httpStatus: 403,
      });
      expect(await invite("owner", ["p", "q", "r"])).toMatchObject({
        reason: "MEMBER_LIMIT_EXCEEDED",
        httpStatus: 409,
        attempts: 1,
      });
    });

    it("UNAUTHENTICATED for a wrong secret; a timeout and a refused connection as transport errors", async () => {
      expect(
        await rejection(client({ secret: "wrong" }).queryCollaborationsByUser({ userID: "u" })),
      ).toMatchObject({
        reason: "UNAUTHENTICATED",
        code: 1002,
        httpStatus: 401,
      });

      proxy.plan({ kind: "hang" });
      const started = Date.now();
      const timedOut = await rejection(
        client({ baseUrl: proxy.url, timeoutMs: 300 }).queryCollaborationsByUser({ userID: "u" }),
      );
      expect(timedOut).toBeInstanceOf(HiarTransportError);
      expect(timedOut).toMatchObject({ kind: "timeout", attempts: 1 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(proxy.received).toHaveLength(1); // a timeout is not retried

      const refused = await rejection(
        client({ baseUrl: "http://127.0.0.1:9" }).queryCollaborationsByUser({ userID: "u" }),
      );
      expect(refused).toMatchObject({ name: "HiarTransportError", kind: "network" });
    });
  });

  describe("retries", () => {
    it("retries a 503 after its Retry-After, with a fresh nonce and date, then succeeds", async () => {
      proxy.plan({ kind: "unavailable", retryAfter: "1" });
      const started = Date.now();
      const data = await client({ baseUrl: proxy.url }).queryCollaborationsByUser(
        { userID: user("r") },
        { trace: "retrytrace1" },
      );
      expect(data.infos).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(proxy.received).toHaveLength(2);
      const [first, second] = proxy.received;
      expect(first?.["x-hiar-openapi-nonce"]).not.toBe(second?.["x-hiar-openapi-nonce"]);
      expect(first?.["x-hiar-openapi-signature"]).not.toBe(second?.["x-hiar-openapi-signature"]);
      expect(first?.trace).toBe("retrytrace1");
      expect(second?.trace).toBe("retrytrace1");
    });

    it("retries a gateway's bare 429, and gives up after `retries`", async () => {
      proxy.plan({ kind: "bare429" });
      await client({ baseUrl: proxy.url }).queryCollaborationsByUser({ userID: user("r") });
      expect(proxy.received).toHaveLength(2);

      proxy.received.length = 0;
      proxy.plan(
        ...Array.from({ length: 3 }, () => ({ kind: "unavailable", retryAfter: "0" }) as const),
      );
      const error = await rejection(
        client({ baseUrl: proxy.url, retries: 2 }).queryCollaborationsByUser({ userID: "u" }),
      );
      expect(error).toMatchObject({ reason: "UNAVAILABLE", httpStatus: 503, attempts: 3 });
      expect(proxy.received).toHaveLength(3);
    });

    it("does not retry other errors", async () => {
      const error = await rejection(client({ baseUrl: proxy.url }).inviteSession({ userID: "" }));
      expect(error).toMatchObject({ reason: "INVALID_PARAM", attempts: 1 });
      expect(proxy.received).toHaveLength(1);
    });

    it.runIf(target === "postgres")(
      "rides out a real database outage (503 from the server)",
      async () => {
        const databaseUrl = server.databaseUrl;
        if (databaseUrl === undefined) throw new Error("the postgres target has a database URL");
        const restore = await cutDatabase(databaseUrl);
        const settled = hiar
          .queryCollaborationsByUser({ userID: user("outage") }, { trace: "outage01" })
          .then(
            (data) => ({ data }),
            (error: unknown) => ({ error }),
          );
        // The first attempt meets the outage (503, Retry-After: 1); the database is back before
        // the retry.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await restore();
        expect(await settled).toMatchObject({ data: { infos: [] } });
        const answers = server
          .output()
          .split("\n")
          .filter((line) => line.includes('"trace":"outage01"'))
          .map((line) => JSON.parse(line) as { status: number; code: number });
        expect(answers.map((a) => [a.status, a.code])).toEqual([
          [503, 1012],
          [200, 0],
        ]);
      },
    );
  });

  describe("webhooks", () => {
    it("verifyWebhook accepts what this app's secret signs, once", async () => {
      const url = "http://127.0.0.1/hooks";
      const headers = signRequestHeaders({ appId, secret, method: "POST", url });
      const request = () => new Request(url, { method: "POST", headers, body: "{}" });
      expect(await verifyWebhook(request(), secret, { appId })).toMatchObject({ ok: true, appId });
      expect(await verifyWebhook(request(), secret, { appId })).toMatchObject({
        ok: false,
        reason: "NONCE_REUSED",
      });
    });
  });

  describe("the example", () => {
    const env = () => ({
      ...process.env,
      HIAR_BASE_URL: server.baseUrl,
      HIAR_APP_ID: appId,
      HIAR_APP_SECRET: secret,
    });

    it("examples/invite.ts creates a collaboration and invites two members", async () => {
      const { stdout } = await run("pnpm", ["exec", "tsx", "examples/invite.ts"], {
        cwd: sdkDir,
        env: env(),
      });
      expect(stdout).toMatch(/created collaboration [0-9a-f]{32}/);
      expect(stdout).toContain("invited bob and carol");
      expect(stdout).toContain("bob: MEMBER_CALLING");
      expect(stdout).toContain("carol: MEMBER_CALLING");
    });
  });
});

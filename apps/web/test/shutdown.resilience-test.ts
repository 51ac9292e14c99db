import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { CreateCollaborationResponse, QueryByUserResponse } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import { createUserToken } from "@collab/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { rawConnection } from "./raw-http";
import { startTestServer, type TestServer } from "./server";

// Graceful shutdown of the production build (SIGTERM): a rolling restart under load loses no
// acknowledged invite and answers nothing 5xx but 503 UNAVAILABLE; the console's live stream and
// a device's user channel stream are ended with a reconnection hint; the process exits 0.

interface Outcome {
  readonly status: number;
  readonly body: string;
}

/**
 * One signed invite on a connection of its own (no keep-alive: a reused connection closed by the
 * server between two requests would leave the client unsure whether the request arrived). A
 * refused connection (server down), or one reset before any answer (accepted by the kernel
 * during the restart but never by the server, which then closed its listening socket) is
 * `null`: the request was not processed, and the caller sends it again.
 */
function invite(baseUrl: string, app: Credentials, body: unknown): Promise<Outcome | null> {
  const url = new URL("/session/invite", baseUrl);
  const payload = JSON.stringify(body);
  const headers = signRequestHeaders({ appId: app.id, secret: app.secret, method: "POST", url });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED" || error.code === "ECONNRESET") resolve(null);
      else reject(error);
    });
    req.end(payload);
  });
}

describe.each(adapterTestTargets())("graceful shutdown of the production build on %s", (target) => {
  let server: TestServer;
  let app: Credentials;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
  });
  afterAll(async () => {
    await server?.stop();
  });

  /**
   * Opens the event stream at `path` (authenticated by `authHeader`), restarts the server once it
   * is connected, and checks that the stream ended promptly with a reconnection hint and that the
   * stopped process exited 0.
   */
  async function expectRestartToEndStream(path: string, authHeader: string): Promise<void> {
    const port = Number(new URL(server.baseUrl).port);
    const stream = await rawConnection(port);
    stream.socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Accept: text/event-stream\r\n${authHeader}\r\n\r\n`,
    );
    // tRPC's first event says the stream is connected.
    await expect.poll(() => stream.received(), { timeout: 15_000 }).toContain("event: connected");

    const started = Date.now();
    const restarted = server.restart();
    await stream.closed;
    // Well within the shutdown timeout (10 s): the open stream does not hold the process up.
    expect(Date.now() - started).toBeLessThan(5_000);
    await restarted;
    expect(stream.received()).toMatch(/retry: 1000\n\n(\r\n0\r\n\r\n)?$/);
    // Not tRPC's "return" event, which would end the subscription instead of reconnecting.
    expect(stream.received()).not.toContain("event: return");
    expect(server.exits().at(-1)).toBe(0);
  }

  it("loses no acknowledged invite across two rolling restarts under load", async () => {
    const creator = `creator-${randomUUID()}`;
    const created = await hiarPost(server, app, "/create", { userID: creator });
    expect(created.status, created.text).toBe(200);
    const ids = CreateCollaborationResponse.parse(created.body).data;

    const acknowledged: string[] = [];
    const unexpected: Outcome[] = [];
    let retried = 0;
    let running = true;
    const loaders = Array.from({ length: 4 }, async (_, loader) => {
      for (let i = 0; running; i++) {
        const member = `m-${loader}-${i}`;
        for (;;) {
          const outcome = await invite(server.baseUrl, app, {
            ...ids,
            userID: creator,
            members: [{ userID: member }],
          });
          if (outcome?.status === 200) {
            acknowledged.push(member);
            break;
          }
          const unavailable =
            outcome?.status === 503 && JSON.parse(outcome.body).reason === "UNAVAILABLE";
          if (outcome !== null && !unavailable) {
            unexpected.push(outcome);
            break;
          }
          retried++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    });

    const waitForMore = async (count: number) => {
      const target = acknowledged.length + count;
      await expect
        .poll(() => acknowledged.length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(target);
    };
    await waitForMore(20);
    await server.restart();
    await waitForMore(20);
    await server.restart();
    await waitForMore(20);
    running = false;
    await Promise.all(loaders);

    expect(unexpected).toEqual([]);
    // Both stopped processes shut down cleanly.
    expect(server.exits()).toEqual([0, 0]);
    expect(server.output()).toContain('"msg":"stopped"');

    const query = await hiarPost(server, app, "/user/query", { userID: creator, limit: 1 });
    const info = QueryByUserResponse.parse(query.body).data.infos[0];
    const stored = new Set(Object.keys(info?.members ?? {}));
    const missing = acknowledged.filter((member) => !stored.has(member));
    console.log(
      `${target}: ${acknowledged.length} invites acknowledged across 2 restarts, ${retried} sends retried`,
    );
    expect(missing).toEqual([]);
  });

  it("ends the console's live stream with a reconnection hint and exits 0", async () => {
    const signIn = await fetch(`${server.baseUrl}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ appId: app.id, secret: app.secret }),
    });
    expect(signIn.status, await signIn.clone().text()).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";", 1)[0])
      .join("; ");
    const created = await hiarPost(server, app, "/create", { userID: `watcher-${randomUUID()}` });
    const { sessionID } = CreateCollaborationResponse.parse(created.body).data;

    const input = encodeURIComponent(JSON.stringify({ sessionID }));
    await expectRestartToEndStream(`/api/trpc/session.onEvent?input=${input}`, `Cookie: ${cookie}`);
  });

  it("ends a device's user channel stream (answered by the entry) with a reconnection hint", async () => {
    const token = await createUserToken({
      appId: app.id,
      secret: app.secret,
      userID: `device-${randomUUID()}`,
      ttlSeconds: 600,
    });
    await expectRestartToEndStream("/api/trpc/user.onEvent", `Authorization: Bearer ${token}`);
  });
});

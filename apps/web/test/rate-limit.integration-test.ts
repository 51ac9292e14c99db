import { randomUUID } from "node:crypto";
import { CreateCollaborationResponse, QueryByUserResponse } from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, type HiarResponse, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// RATE_LIMITED over real HTTP against the production build, per database: the per-app token
// bucket of the signed REST API (a slow one here: 3 at once, then one per 5 s) and the console
// sign-in throttle (2 failures per APPID).

const PER_SECOND = 0.2;
const BURST = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabaseTargets())("rate limits on %s", (target) => {
  let server: TestServer;
  let appA: Credentials;
  let appB: Credentials;
  let appC: Credentials;

  beforeAll(async () => {
    server = await startTestServer(target, {
      appCount: 3,
      env: {
        HIAR_RATE_LIMIT_PER_SECOND: String(PER_SECOND),
        HIAR_RATE_LIMIT_BURST: String(BURST),
        CONSOLE_SIGN_IN_MAX_FAILURES: "2",
        CONSOLE_SIGN_IN_WINDOW_SECONDS: "60",
      },
    });
    const [first, second, third] = server.apps;
    if (!first || !second || !third) throw new Error("three apps were provisioned");
    appA = first;
    appB = second;
    appC = third;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers an app past its burst 429 + Retry-After, changes nothing, and serves it again later", async () => {
    // Requests that fail authentication never reach app A's bucket, whatever they claim.
    const forged = {
      collaborationID: "x",
      sessionID: "y",
      userID: "z",
      members: [{ userID: "w" }],
    };
    for (let i = 0; i < BURST + 2; i++) {
      const response = await hiarPost(
        server,
        { ...appA, secret: "not-the-secret" },
        "/session/invite",
        forged,
      );
      expect(response.status).toBe(401);
    }

    // One bucket for every REST route of the app: /create takes the first token.
    const alice = `alice-${randomUUID()}`;
    const created = await hiarPost(server, appA, "/create", { userID: alice });
    expect(created.status, created.text).toBe(200);
    const ids = CreateCollaborationResponse.parse(created.body).data;

    const rung: string[] = [];
    let refused: { response: HiarResponse; member: string; trace: string } | undefined;
    for (let i = 0; i < BURST + 2 && refused === undefined; i++) {
      const member = `member-${i}-${randomUUID()}`;
      const trace = `ratelimit-${target}-${i}`;
      const response = await hiarPost(
        server,
        appA,
        i % 2 === 0 ? "/session/invite" : "/leliaRTC/session/invite",
        { ...ids, userID: alice, members: [{ userID: member }] },
        { headers: { trace } },
      );
      if (response.status === 200) rung.push(member);
      else refused = { response, member, trace };
    }
    // Normally exactly BURST - 1 invites; a very slow machine may earn a token meanwhile.
    expect(rung.length).toBeGreaterThanOrEqual(BURST - 1);
    if (refused === undefined) throw new Error("no request was refused");

    const { response } = refused;
    expect(response.status).toBe(429);
    expect(response.text).toBe(
      JSON.stringify({
        code: 1011,
        reason: "RATE_LIMITED",
        message: `too many requests for this app (at most ${PER_SECOND} a second, bursts of ${BURST})`,
        data: null,
      }),
    );
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("trace")).toBe(refused.trace);
    const retryAfter = response.headers.get("retry-after") ?? "";
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(1 / PER_SECOND);

    // Logged like any other request: one line, with the app, status and code.
    const lines = server
      .output()
      .split("\n")
      .filter((line) => line.includes(`"${refused?.trace}"`));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      trace: refused.trace,
      app: appA.id,
      route: "/session/invite",
      status: 429,
      code: 1011,
    });

    // Another app is served meanwhile.
    const other = await hiarPost(server, appB, "/create", { userID: `bob-${randomUUID()}` });
    expect(other.status, other.text).toBe(200);

    // After Retry-After seconds app A has a token again; the refused invite rang no one.
    await sleep(Number(retryAfter) * 1000);
    const query = await hiarPost(server, appA, "/user/query", { userID: alice });
    expect(query.status, query.text).toBe(200);
    const info = QueryByUserResponse.parse(query.body).data.infos.find(
      (i) => i.collaborationID === ids.collaborationID,
    );
    for (const member of rung) {
      expect(info?.members[member]?.memberSessionState).toBe("MEMBER_CALLING");
    }
    expect(info?.members).not.toHaveProperty(refused.member);
  });

  it("refuses console sign-in for an APPID after 2 failures, secret unchecked, never logging it", async () => {
    const signIn = (credentials: Credentials) =>
      fetch(new URL("/api/trpc/auth.signIn", server.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.baseUrl },
        body: JSON.stringify({ appId: credentials.id, secret: credentials.secret }),
      });
    type TrpcError = {
      error: { message: string; data: { hiar: { code: number; reason: string } } };
    };

    const wrongSecrets = [`wrong-${randomUUID()}`, `wrong-${randomUUID()}`];
    for (const secret of wrongSecrets) {
      const response = await signIn({ id: appC.id, secret });
      expect(response.status).toBe(401);
    }
    const refused = await signIn(appC);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("set-cookie")).toBeNull();
    const body = (await refused.json()) as TrpcError;
    expect(body.error.data.hiar).toMatchObject({ code: 1011, reason: "RATE_LIMITED" });
    expect(body.error.message).toMatch(/^too many failed sign-ins: try again in \d+ s$/);

    // Another APPID signs in as usual.
    const other = await signIn(appB);
    expect(other.status).toBe(200);
    expect(other.headers.get("set-cookie")).toBeTruthy();

    for (const secret of [...wrongSecrets, appB.secret, appC.secret]) {
      expect(server.output()).not.toContain(secret);
    }
  });
});

import { CreateCollaborationResponse, QueryByUserResponse } from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// A ring's calling timeout is data, not a timer in a process: a server that is down when a
// member's deadline passes fires the timeout once it is back (the ring clock's first sweep).

describe.each(testDatabaseTargets())("a restart across a calling timeout on %s", (target) => {
  let server: TestServer;
  let app: Credentials;

  beforeAll(async () => {
    server = await startTestServer(target, {
      appCount: 1,
      env: { HIAR_CALLING_TIMEOUT_SECONDS: "5" },
    });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function memberState(collaborationID: string, userID: string) {
    const response = await hiarPost(server, app, "/user/query", { userID, history: true });
    const info = QueryByUserResponse.parse(response.body).data.infos.find(
      (i) => i.collaborationID === collaborationID,
    );
    return info?.members[userID]?.memberSessionState;
  }

  it("the calling timeout fires once the server is back", async () => {
    const created = await hiarPost(server, app, "/create", { userID: "alice" });
    expect(created.status, created.text).toBe(200);
    const { collaborationID, sessionID } = CreateCollaborationResponse.parse(created.body).data;
    const invited = await hiarPost(server, app, "/session/invite", {
      collaborationID,
      sessionID,
      userID: "alice",
      members: [{ userID: "silent" }],
    });
    expect(invited.status, invited.text).toBe(200);
    expect(await memberState(collaborationID, "silent")).toBe("MEMBER_CALLING");
    // Down for longer than the member's 5 s.
    await server.restart(6_000);
    await expect
      .poll(() => memberState(collaborationID, "silent"), { timeout: 60_000, interval: 200 })
      .toBe("MEMBER_TIMEOUT");
  });
});

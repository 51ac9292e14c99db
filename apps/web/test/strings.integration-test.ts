import {
  CreateCollaborationResponse,
  ErrorEnvelope,
  type QueryByUserRespAny,
  QueryByUserResponse,
} from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";
import { openTableCounter, type TableCounter } from "./table-counts";

// Strings PostgreSQL cannot store as sent (NUL, lone surrogates) are refused with INVALID_PARAM
// naming the field, in every string field, and change nothing; everything else (emoji, CJK,
// control characters) is stored and read back exactly (packages/contracts README "Strings").

const POISONS = [
  ["NUL", "\u0000"],
  ["a lone high surrogate", "\ud800"],
  ["a lone low surrogate", "\udfff"],
] as const;

/** What the pg driver would have stored for `text` (a lone surrogate becomes U+FFFD). */
const asStoredByDriver = (text: string) => Buffer.from(text, "utf8").toString("utf8");

describe.each(testDatabaseTargets())("strings over REST on %s", (target) => {
  let server: TestServer;
  let app: Credentials;
  let tables: TableCounter | undefined;
  const suffix = crypto.randomUUID().slice(0, 8);
  const alice = `alice-${suffix}`; // creator
  const bob = `bob-${suffix}`; // listed by /create, never rung
  const carol = `carol-${suffix}`; // rung: MEMBER_CALLING, may accept
  const dave = `dave-${suffix}`; // talking: may be kicked out
  let ids: { collaborationID: string; sessionID: string };

  async function post(path: string, body: unknown) {
    return hiarPost(server, app, path, body);
  }

  async function query(userID: string): Promise<QueryByUserRespAny> {
    const response = await post("/user/query", { userID, history: true, limit: 100 });
    expect(response.status, response.text).toBe(200);
    return QueryByUserResponse.parse(response.body).data;
  }

  /** Everything the refused requests could have touched, as the API and the tables show it. */
  async function snapshot() {
    const users = [alice, bob, carol, dave];
    // A lone surrogate used to be stored as U+FFFD: look for those rows too.
    const mangled = POISONS.flatMap(([, poison]) =>
      users.map((user) => asStoredByDriver(`${user}${poison}`)),
    ).filter((user) => user.includes("\ufffd"));
    const views = [];
    for (const user of [...users, ...new Set(mangled)]) views.push(await query(user));
    return { views, rows: await tables?.counts() };
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("one app was provisioned");
    app = first;
    tables = await openTableCounter(server);

    const created = await post("/create", { userID: alice, members: [{ userID: bob }] });
    expect(created.status, created.text).toBe(200);
    ids = CreateCollaborationResponse.parse(created.body).data;
    const rung = await post("/session/invite", {
      ...ids,
      userID: alice,
      members: [{ userID: carol }, { userID: dave }],
    });
    expect(rung.status, rung.text).toBe(200);
    const answered = await post("/session/accept", { ...ids, userID: dave });
    expect(answered.status, answered.text).toBe(200);
  });
  afterAll(async () => {
    await tables?.close();
    await server?.stop();
  });

  /** Valid bodies (each would write if sent as is) and the string fields to poison in them. */
  const operations = () =>
    [
      {
        path: "/session/invite",
        body: {
          ...ids,
          userID: alice,
          members: [
            {
              userID: `erin-${suffix}`,
              extra: "ring ring",
              tools: [{ kind: 1, extra: "pen", userID: carol }],
            },
          ],
        },
        fields: [
          "collaborationID",
          "sessionID",
          "userID",
          "members[0].userID",
          "members[0].extra",
          "members[0].tools[0].extra",
          "members[0].tools[0].userID",
        ],
      },
      {
        path: "/create",
        body: {
          userID: alice,
          detail: "plan",
          extra: "x",
          members: [{ userID: `fred-${suffix}` }],
        },
        fields: ["userID", "detail", "extra", "members[0].userID"],
      },
      { path: "/user/query", body: { userID: alice }, fields: ["userID"] },
      {
        path: "/session/accept",
        body: { ...ids, userID: carol },
        fields: ["collaborationID", "sessionID", "userID"],
      },
      {
        path: "/session/kickout",
        body: { ...ids, userID: alice, memberID: dave },
        fields: ["collaborationID", "sessionID", "userID", "memberID"],
      },
    ] as const;

  it("refuses NUL and lone surrogates in every string field with 400 INVALID_PARAM naming it, and changes nothing", async () => {
    const before = await snapshot();
    let refused = 0;
    for (const { path, body, fields } of operations()) {
      for (const field of fields) {
        for (const [label, poison] of POISONS) {
          const sent = poisoned(body, field, poison);
          const response = await post(path, sent);
          const context = `${path} ${field} with ${label}: ${response.text}`;
          expect(response.status, context).toBe(400);
          const envelope = ErrorEnvelope.parse(response.body);
          expect(envelope.reason, context).toBe("INVALID_PARAM");
          expect(envelope.message, context).toMatch(
            new RegExp(`^${field.replace(/[.[\]]/g, "\\$&")}: must not contain `),
          );
          refused++;
        }
      }
    }
    expect(refused).toBe(19 * POISONS.length);
    expect(await snapshot()).toEqual(before);
    expect(server.output()).not.toMatch(/unhandled error|INTERNAL/);
  });

  it("would have written each of those bodies unpoisoned (so 'changes nothing' means something)", async () => {
    for (const { path, body } of operations()) {
      const response = await post(path, body);
      expect(response.status, `${path}: ${response.text}`).toBe(200);
    }
    const members = (await query(carol)).infos.find(
      (info) => info.collaborationID === ids.collaborationID,
    )?.members;
    expect(members?.[carol]?.memberSessionState).toBe("MEMBER_TALKING");
    expect(members?.[dave]?.memberSessionState).toBe("MEMBER_KICKOUT");
  });

  it("refuses them in the console's sign-in too (a NUL in the APPID answered 500 unauthenticated)", async () => {
    for (const [label, poison] of POISONS) {
      for (const field of ["appId", "secret"] as const) {
        const credentials = { appId: app.id, secret: app.secret, [field]: `x${poison}` };
        const response = await fetch(`${server.baseUrl}/api/trpc/auth.signIn`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: server.baseUrl },
          body: JSON.stringify(credentials),
        });
        const text = await response.text();
        expect(response.status, `${field} with ${label}: ${text}`).toBe(400);
        const { error } = JSON.parse(text) as { error: { message: string } };
        expect(error.message).toMatch(new RegExp(`^${field}: must not contain `));
        expect(response.headers.get("set-cookie")).toBeNull();
      }
    }
  });

  it("stores emoji, CJK and control characters exactly as sent and reads them back", async () => {
    const extra = "🎉 party 👩‍💻 漢字テスト \u0001\u001f\u007f\u0085 \ufffe \u{10FFFF} 𝄞";
    const creator = `👩‍💻-${suffix}`;
    const invitee = `字😀-${suffix}`;
    const created = await post("/create", {
      userID: creator,
      detail: `detail ${extra}`,
      extra: `collab ${extra}`,
    });
    expect(created.status, created.text).toBe(200);
    const newIds = CreateCollaborationResponse.parse(created.body).data;
    const invited = await post("/session/invite", {
      ...newIds,
      userID: creator,
      members: [{ userID: invitee, extra, tools: [{ kind: 2, extra, userID: creator }] }],
    });
    expect(invited.status, invited.text).toBe(200);

    const info = (await query(invitee)).infos.find(
      (i) => i.collaborationID === newIds.collaborationID,
    );
    expect(info?.userID).toBe(creator);
    expect(info?.detail).toBe(`detail ${extra}`);
    expect(info?.extra).toBe(`collab ${extra}`);
    const member = info?.members[invitee];
    expect(member?.userID).toBe(invitee);
    expect(member?.extra).toBe(extra);
    expect(member?.tools).toEqual([{ kind: 2, extra, userID: creator }]);
  });
});

/** `body` with `poison` appended to the string at `field` (JS notation, e.g. members[0].extra). */
function poisoned(body: unknown, field: string, poison: string): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = field.split(/\.|\[(\d+)\]/).filter((key) => key !== undefined && key !== "");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  node[last] = `${String(node[last])}${poison}`;
  return copy;
}

import type { AppRouter } from "@collab/api";
import type { UserChannelEvent } from "@collab/contracts";
import { testDatabaseTargets } from "@collab/db/testing";
import { createHiarClient, createUserToken, type HiarClient } from "@collab/sdk";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server";
import { type OpenChannel, openChannel } from "./user-channel-client";

// The user channel (user.onEvent) against the production build: a device rings when its user is
// rung (also when it connects mid-ring), every device of the user sees the others answer, the
// ring's end (timeout, session end) arrives, a dropped connection resumes without gap or
// duplicate, and a subscriber on another instance hears an invite made through the first.

describe.each(testDatabaseTargets())("the user channel on %s", (target) => {
  let server: TestServer;
  let hiar: HiarClient;
  let app: { id: string; secret: string };
  let seq = 0;
  const channels: OpenChannel[] = [];
  const name = (prefix: string) => `${prefix}-${target}-${++seq}`;

  const token = (userID: string, deviceID?: string) =>
    createUserToken({
      appId: app.id,
      secret: app.secret,
      userID,
      ttlSeconds: 600,
      ...(deviceID === undefined ? {} : { deviceID }),
    });
  const userClient = (bearer: string, baseUrl = server.baseUrl) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${baseUrl}/api/trpc`,
          headers: () => ({ authorization: `Bearer ${bearer}` }),
        }),
      ],
    });
  async function channel(bearer: string, lastEventId?: string | null, baseUrl = server.baseUrl) {
    const opened = await openChannel(baseUrl, bearer, lastEventId);
    channels.push(opened);
    expect(opened.status).toBe(200);
    // Connected: tRPC's first event.
    await expect.poll(() => opened.raw(), { timeout: 10_000 }).toContain("event: connected");
    return opened;
  }
  async function collaboration(caller: string, ruleSettings?: { callingTimeout: number }) {
    return hiar.createCollaboration({
      userID: caller,
      detail: "weekly sync",
      ...(ruleSettings === undefined ? {} : { ruleSettings }),
    });
  }
  const ring = (
    ids: { collaborationID: string; sessionID: string },
    caller: string,
    callee: string,
  ) =>
    hiar.inviteSession({
      ...ids,
      userID: caller,
      members: [{ userID: callee, medias: [1], roles: [2], extra: `ring ${callee}` }],
    });
  const isRing = (sessionID: string) => (e: UserChannelEvent) =>
    e.kind === "ring" && e.sessionID === sessionID;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
  });
  afterAll(async () => {
    for (const c of channels) c.close();
    await server?.stop();
  });

  it("a device connecting mid-ring rings; the ring carries who, what and the member fields", async () => {
    const alice = name("alice");
    const bob = name("bob");
    const ids = await collaboration(alice);
    await ring(ids, alice, bob);
    const phone = await channel(await token(bob, "phone"));
    const { event } = await phone.waitFor(isRing(ids.sessionID));
    expect(event).toMatchObject({
      kind: "ring",
      reason: "ringing",
      collaborationID: ids.collaborationID,
      invitedBy: alice,
      detail: "weekly sync",
      member: { medias: [1], roles: [2], extra: `ring ${bob}` },
    });
    expect(event.kind === "ring" && event.callingDeadline).toBeGreaterThan(Date.now());
    phone.close();

    // A browser's EventSource cannot set headers: the token as tRPC's connection parameter.
    const browser = await openChannel(
      server.baseUrl,
      await token(bob, "tab"),
      null,
      "connectionParams",
    );
    channels.push(browser);
    expect((await browser.waitFor(isRing(ids.sessionID))).event).toMatchObject({
      reason: "ringing",
    });
    browser.close();
  });

  it("every device of the user rings; one answers, the other hears it was answered there", async () => {
    const alice = name("alice");
    const bob = name("bob");
    const ids = await collaboration(alice);
    const phoneToken = await token(bob, "bob-phone");
    const phone = await channel(phoneToken);
    const laptop = await channel(await token(bob, "bob-laptop"));

    const rungAt = Date.now();
    await ring(ids, alice, bob);
    const [onPhone, onLaptop] = await Promise.all([
      phone.waitFor(isRing(ids.sessionID)),
      laptop.waitFor(isRing(ids.sessionID)),
    ]);
    expect(Date.now() - rungAt).toBeLessThan(5_000);
    for (const { event } of [onPhone, onLaptop]) {
      expect(event).toMatchObject({ reason: "invited", invitedBy: alice, detail: "weekly sync" });
      // The ring's own deadline (the deployment's 60 s here), for a countdown.
      expect(event.kind === "ring" && event.callingDeadline).toBeGreaterThan(rungAt + 30_000);
    }

    await userClient(phoneToken).user.accept.mutate(ids);
    const ended = await laptop.waitFor(
      (e) => e.kind === "ring_ended" && e.sessionID === ids.sessionID,
    );
    expect(ended.event).toMatchObject({
      kind: "ring_ended",
      reason: "accepted",
      memberSessionState: "MEMBER_TALKING",
      actorID: bob,
      deviceID: "bob-phone",
    });
    await laptop.waitFor((e) => e.kind === "session_state" && e.sessionState === "SESSION_START");
    // Both devices got each event once.
    for (const device of [phone, laptop]) {
      const received = device.messages.map((m) => m.id);
      expect(new Set(received).size).toBe(received.length);
      expect(device.messages.filter((m) => isRing(ids.sessionID)(m.event))).toHaveLength(1);
    }
    phone.close();
    laptop.close();
  });

  it("the ring's end arrives: timed out, and the session ended", async () => {
    const alice = name("alice");
    const carol = name("carol");
    const device = await channel(await token(carol));
    const timed = await collaboration(alice, { callingTimeout: 1 });
    await ring(timed, alice, carol);
    await device.waitFor(isRing(timed.sessionID));
    const timedOut = await device.waitFor(
      (e) => e.kind === "ring_ended" && e.sessionID === timed.sessionID,
      15_000,
    );
    expect(timedOut.event).toMatchObject({ reason: "timed_out", actorID: null, deviceID: null });

    const ended = await collaboration(alice);
    await ring(ended, alice, carol);
    await device.waitFor(isRing(ended.sessionID));
    await hiar.endSession({ ...ended, userID: alice });
    const byEnd = await device.waitFor(
      (e) => e.kind === "ring_ended" && e.sessionID === ended.sessionID,
    );
    expect(byEnd.event).toMatchObject({ reason: "session_ended", actorID: alice });
    await device.waitFor((e) => e.kind === "session_state" && e.sessionState === "SESSION_END");

    const calls = await userClient(await token(carol)).user.calls.query();
    expect(calls.current).toEqual([]);
    expect(calls.missed.map((c) => c.sessionID)).toEqual([timed.sessionID]);
    device.close();
  });

  it("a dropped connection resumes from its last event id: no gap, no duplicate", async () => {
    const alice = name("alice");
    const dave = name("dave");
    const erin = name("erin");
    const ids = await collaboration(alice);
    const daveToken = await token(dave, "dave-phone");
    const first = await channel(daveToken);
    await ring(ids, alice, dave);
    await first.waitFor(isRing(ids.sessionID));
    await userClient(daveToken).user.accept.mutate(ids);
    await first.waitFor((e) => e.kind === "ring_ended");
    const seen = first.messages.length;
    const resumeAt = first.lastId();
    expect(resumeAt).not.toBeNull();
    first.close();
    await first.closed;
    expect(first.messages).toHaveLength(seen);

    // While dave is offline: erin is rung and answers, in his session.
    await ring(ids, alice, erin);
    await hiar.acceptCall({ ...ids, userID: erin });

    const second = await channel(daveToken, resumeAt);
    const answered = await second.waitFor(
      (e) =>
        e.kind === "member_state" && e.userID === erin && e.memberSessionState === "MEMBER_TALKING",
    );
    const missed = second.messages
      .slice(0, second.messages.indexOf(answered) + 1)
      .map((m) => m.event);
    expect(missed).toEqual([
      expect.objectContaining({
        kind: "member_state",
        userID: erin,
        memberSessionState: "MEMBER_CALLING",
      }),
      expect.objectContaining({
        kind: "member_state",
        userID: erin,
        memberSessionState: "MEMBER_TALKING",
      }),
    ]);
    // Then live, once each.
    await hiar.leaveSession({ ...ids, userID: erin });
    await second.waitFor(
      (e) => e.kind === "member_state" && e.memberSessionState === "MEMBER_LEFT",
    );
    const all = [...first.messages, ...second.messages];
    const allIds = all.map((m) => m.id);
    expect(new Set(allIds).size).toBe(allIds.length);
    expect(all.filter((m) => m.event.kind === "ring")).toHaveLength(1);
    expect(second.messages.some((m) => m.event.kind === "resync")).toBe(false);

    // An unknown resume point starts over: resync, then what rings now.
    const third = await channel(daveToken, "not-a-position");
    await third.waitFor((e) => e.kind === "resync");
    second.close();
    third.close();
  });

  it("refuses a subscription without a valid token; caps subscriptions per user", async () => {
    const refused = await openChannel(server.baseUrl, "forged.token.value");
    channels.push(refused);
    await expect
      .poll(() => refused.raw() + String(refused.status), { timeout: 10_000 })
      .toMatch(/UNAUTHENTICATED|401/);
    expect(refused.messages).toEqual([]);

    const frank = name("frank");
    const bearer = await token(frank);
    const open: OpenChannel[] = [];
    for (let i = 0; i < 10; i++) open.push(await channel(bearer));
    const eleventh = await openChannel(server.baseUrl, bearer);
    channels.push(eleventh);
    await expect
      .poll(() => eleventh.raw() + String(eleventh.status), { timeout: 10_000 })
      .toMatch(/RATE_LIMITED|429/);
    // A closed subscription frees its slot.
    open.pop()?.close();
    await expect
      .poll(
        async () => {
          const again = await openChannel(server.baseUrl, bearer);
          channels.push(again);
          await expect.poll(() => again.raw(), { timeout: 10_000 }).toMatch(/event: |RATE_LIMITED/);
          const ok =
            again.raw().includes("event: connected") && !again.raw().includes("RATE_LIMITED");
          if (ok) open.push(again);
          else again.close();
          return ok;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    for (const c of open) c.close();
  });

  it("streams tRPC's own events, and leaves a malformed request to tRPC's handler", async () => {
    const gina = name("gina");
    const stream = await channel(await token(gina), null);
    // The entry writes the stream itself (src/entry/trpc-streams.ts), in tRPC's exact format.
    expect(stream.raw()).toMatch(
      /^event: connected\ndata: \{"reconnectAfterInactivityMs":25000\}\n\n\n/,
    );
    const alice = name("alice");
    const ids = await collaboration(alice);
    await ring(ids, alice, gina);
    const rung = await stream.waitFor(isRing(ids.sessionID));
    expect(stream.raw()).toContain(`\nid: ${rung.id}\n\n\n`);

    // Connection parameters that are not strings: tRPC's own answer, a JSON error.
    const params = encodeURIComponent(JSON.stringify({ token: 42 }));
    const malformed = await fetch(
      `${server.baseUrl}/api/trpc/user.onEvent?connectionParams=${params}`,
      { headers: { accept: "text/event-stream" } },
    );
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/json");
    expect(await malformed.json()).toMatchObject({
      error: { data: { code: "PARSE_ERROR", hiar: { reason: "INVALID_PARAM" } } },
    });
  });

  it.runIf(target === "postgres")(
    "a subscriber on instance B hears an invite committed through instance A",
    async () => {
      const other = await startTestServer("postgres", {
        databaseUrl: server.databaseUrl,
        appCount: 0,
      });
      try {
        const alice = name("alice");
        const gina = name("gina");
        const onB = await channel(await token(gina), null, other.baseUrl);
        const ids = await collaboration(alice);
        const rungAt = Date.now();
        await ring(ids, alice, gina); // through A
        const { event } = await onB.waitFor(isRing(ids.sessionID));
        // Woken by NOTIFY from A (B alone would find it by its 1 s fallback poll).
        expect(Date.now() - rungAt).toBeLessThan(2_000);
        expect(event).toMatchObject({ reason: "invited", invitedBy: alice });
        onB.close();
      } finally {
        await other.stop();
      }
    },
  );
});

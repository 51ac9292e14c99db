import {
  type ConnectionStatus,
  createUserClient,
  errorReason,
  type RingEnd,
  type UserChannelEvent,
  type UserClient,
  type UserRingEvent,
} from "@collab/client";
import { adapterTestTargets } from "@collab/db/testing";
import { createHiarClient, createUserToken, type HiarClient } from "@collab/sdk";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DropProxy, startDropProxy } from "./drop-proxy";
import { startTestServer, type TestServer } from "./server";

// @collab/client against the production build: a device connects with a user token, rings,
// answers, hears another device answer, and after its connection drops resumes from its last
// event with nothing missed and nothing twice.

interface Device {
  readonly client: UserClient;
  readonly events: { event: UserChannelEvent; id: string | null }[];
  readonly rings: UserRingEvent[];
  readonly ends: RingEnd[];
  readonly statuses: ConnectionStatus[];
}

describe.each(adapterTestTargets())("@collab/client on %s", (target) => {
  let server: TestServer;
  let proxy: DropProxy;
  let hiar: HiarClient;
  let app: { id: string; secret: string };
  let seq = 0;
  const devices: UserClient[] = [];
  const name = (prefix: string) => `${prefix}-${target}-${++seq}`;

  const token = (userID: string, deviceID?: string, secret = app.secret) =>
    createUserToken({
      appId: app.id,
      secret,
      userID,
      ttlSeconds: 600,
      ...(deviceID === undefined ? {} : { deviceID }),
    });

  function device(bearer: string, baseUrl = server.baseUrl): Device {
    const client = createUserClient({
      baseUrl,
      token: bearer,
      EventSource,
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    devices.push(client);
    const d: Device = { client, events: [], rings: [], ends: [], statuses: [] };
    client.on("event", (event, id) => d.events.push({ event, id }));
    client.on("ring", (ring) => d.rings.push(ring));
    client.on("ringEnded", (end) => d.ends.push(end));
    client.on("status", (status) => d.statuses.push(status));
    client.connect();
    return d;
  }
  const connected = (d: Device) =>
    expect.poll(() => d.client.status().state, { timeout: 10_000 }).toBe("connected");
  const until = <T>(read: () => T | undefined, timeout = 10_000) =>
    expect
      .poll(read, { timeout, interval: 10 })
      .toBeDefined()
      .then(() => read() as T);

  async function rungSession(caller: string, callee: string) {
    const ids = await hiar.createCollaboration({ userID: caller, detail: "design review" });
    await hiar.inviteSession({
      ...ids,
      userID: caller,
      members: [{ userID: callee, medias: [1, 2], roles: [3] }],
    });
    return ids;
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
    proxy = await startDropProxy(server.baseUrl);
  });
  afterAll(async () => {
    for (const d of devices) d.close();
    await proxy?.close();
    await server?.stop();
  });

  it("connects, rings with who, what and which media, and accepts", async () => {
    const alice = name("alice");
    const bob = name("bob");
    const phone = device(await token(bob, "bob-phone"));
    expect(phone.client.userID).toBe(bob);
    expect(phone.client.deviceID).toBe("bob-phone");
    await connected(phone);

    const ids = await rungSession(alice, bob);
    const ring = await until(() => phone.rings.find((r) => r.sessionID === ids.sessionID));
    expect(ring).toMatchObject({
      invitedBy: alice,
      detail: "design review",
      member: { medias: [1, 2], roles: [3] },
    });
    expect(phone.client.rings().map((r) => r.sessionID)).toEqual([ids.sessionID]);

    const answer = await phone.client.accept(ring);
    expect(answer).toMatchObject({ memberSessionState: "MEMBER_TALKING", deviceID: "bob-phone" });
    const end = await until(() => phone.ends.find((e) => e.event.sessionID === ids.sessionID));
    expect(end.event.reason).toBe("accepted");
    expect(end.elsewhere).toBe(false);
    expect(phone.client.rings()).toEqual([]);
    const calls = await phone.client.calls();
    expect(calls.current.map((c) => [c.sessionID, c.memberSessionState])).toEqual([
      [ids.sessionID, "MEMBER_TALKING"],
    ]);

    await phone.client.leave(ids);
    expect((await phone.client.calls()).current).toEqual([]);
  });

  it("both devices ring; one accepts; the other hears it was answered on another device", async () => {
    const alice = name("alice");
    const bob = name("bob");
    const phone = device(await token(bob, "phone"));
    const laptop = device(await token(bob, "laptop"));
    await Promise.all([connected(phone), connected(laptop)]);

    const ids = await rungSession(alice, bob);
    const [ring] = await Promise.all(
      [phone, laptop].map((d) => until(() => d.rings.find((r) => r.sessionID === ids.sessionID))),
    );
    await phone.client.accept(ring as UserRingEvent);
    const onLaptop = await until(() =>
      laptop.ends.find((e) => e.event.sessionID === ids.sessionID),
    );
    expect(onLaptop.elsewhere).toBe(true);
    expect(onLaptop.event.deviceID).toBe("phone");
    expect(laptop.client.rings()).toEqual([]);
    const onPhone = await until(() => phone.ends.find((e) => e.event.sessionID === ids.sessionID));
    expect(onPhone.elsewhere).toBe(false);

    // The laptop's answer comes too late: refused, and nothing changes.
    const late = await laptop.client.decline(ids).catch((error: unknown) => error);
    expect(errorReason(late)).toBe("INVALID_STATE");
    expect((await laptop.client.calls()).current[0]?.memberSessionState).toBe("MEMBER_TALKING");
  });

  it("a dropped connection resumes from the last event: nothing missed, nothing twice", async () => {
    const alice = name("alice");
    const carol = name("carol");
    // The reference device stays connected directly; the other goes through the proxy.
    const steady = device(await token(carol, "steady"));
    const flaky = device(await token(carol, "flaky"), proxy.url);
    await Promise.all([connected(steady), connected(flaky)]);

    const before = await rungSession(alice, carol);
    await until(() => flaky.rings.find((r) => r.sessionID === before.sessionID));
    const connectionsBefore = proxy.connections();

    proxy.drop();
    await expect.poll(() => flaky.client.status().state, { timeout: 10_000 }).not.toBe("connected");
    // While it is offline: a ring ends, two new rings, one of them cancelled by ending the session.
    await hiar.endSession({ ...before, userID: alice });
    const during = await rungSession(alice, carol);
    const cancelled = await rungSession(alice, carol);
    await hiar.endSession({ ...cancelled, userID: alice });
    await until(() =>
      steady.events.find(
        (e) => e.event.kind === "session_state" && e.event.sessionID === cancelled.sessionID,
      ),
    );
    expect(flaky.rings.map((r) => r.sessionID)).toEqual([before.sessionID]);

    proxy.restore();
    await connected(flaky);
    expect(proxy.connections()).toBeGreaterThan(connectionsBefore);
    const key = (e: { event: UserChannelEvent; id: string | null }) =>
      `${e.id} ${e.event.kind} ${"reason" in e.event ? e.event.reason : ""} ${"sessionID" in e.event ? e.event.sessionID.slice(0, 6) : ""} ${"type" in e.event ? e.event.type : ""}`;
    await expect
      .poll(() => flaky.events.map(key), { timeout: 15_000 })
      .toEqual(steady.events.map(key));
    const ids = flaky.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id !== null)).toBe(true);
    // What rings now is the same on both: the ring made while offline.
    expect(flaky.client.rings().map((r) => r.sessionID)).toEqual([during.sessionID]);
    expect(steady.client.rings().map((r) => r.sessionID)).toEqual([during.sessionID]);
    expect(flaky.rings.filter((r) => r.sessionID === during.sessionID)).toHaveLength(1);
    expect(flaky.client.lastEventId()).toBe(steady.client.lastEventId());
  });

  it("a refused token stops the client with the status unauthenticated", async () => {
    const forged = device(await token(name("mallory"), undefined, "not the app's secret"));
    await expect
      .poll(() => forged.client.status().state, { timeout: 10_000 })
      .toBe("unauthenticated");
    expect(forged.events).toEqual([]);
    const refused = await forged.client.calls().catch((error: unknown) => error);
    expect(errorReason(refused)).toBe("UNAUTHENTICATED");
  });
});

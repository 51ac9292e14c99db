import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../client";
import {
  NOTIFY_GAP_MS,
  SESSION_EVENT_CHANNEL,
  sessionEventSignalFor,
  tailReaderFor,
} from "../event-signal";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "../testing";
import { createApp } from "./apps";
import {
  currentEventCursor,
  type EventCursor,
  readCommittedEventsAfter,
  TailMemberCache,
} from "./event-tail";
import { appendSessionEvents, type NewSessionEvent } from "./events";
import { upsertMembers } from "./members";

// The user channel's tail: events come in an order no later commit can insert into, and the
// session event signal crosses processes on PostgreSQL. Another database's running transaction
// does not hold the bound back; one of this database's (other tests') may: reads poll.

const event = (subjectId: string): NewSessionEvent => ({
  type: "member.invited",
  actorId: "alice",
  subjectId,
  fromState: null,
  toState: "MEMBER_CALLING",
  traceId: null,
  payload: { collaborationID: "c" },
});

describe.each(testDatabaseTargets())("the session event tail on %s", (target) => {
  let db: TestDatabase;
  let appId: string;
  let n = 0;

  async function session() {
    n += 1;
    const collaboration = await db.prisma.collaboration.create({
      data: { id: `c${n}-`.padEnd(32, "0"), appId, creatorId: "alice", detail: `detail ${n}` },
    });
    const created = await db.prisma.session.create({
      data: { id: `s${n}-`.padEnd(32, "0"), appId, collaborationId: collaboration.id },
    });
    await db.prisma.sessionMember.create({
      data: { appId, sessionId: created.id, userId: "alice" },
    });
    return { sessionId: created.id, collaborationId: collaboration.id };
  }

  beforeAll(async () => {
    db = await createTestDatabase({ target });
    appId = (await createApp(db.prisma, { name: "Tail app" })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reads events after a cursor with their session's collaboration, detail and members", async () => {
    const start = await currentEventCursor(db.prisma);
    const s = await session();
    await appendSessionEvents(db.prisma, { appId, sessionId: s.sessionId, events: [event("bob")] });
    let read = await readCommittedEventsAfter(db.prisma, { after: start, limit: 10 });
    await expect
      .poll(async () => {
        read = await readCommittedEventsAfter(db.prisma, { after: start, limit: 10 });
        return read.events.length;
      })
      .toBe(1);
    expect(read.events[0]).toMatchObject({
      appId,
      sessionId: s.sessionId,
      collaborationId: s.collaborationId,
      detail: `detail ${n}`,
      subjectId: "bob",
      seq: 1,
      members: ["alice"],
    });
    // Nothing after the reader's next position; other apps' events filtered out when asked.
    expect(
      (await readCommittedEventsAfter(db.prisma, { after: read.next, limit: 10 })).events,
    ).toEqual([]);
    expect(
      (await readCommittedEventsAfter(db.prisma, { after: start, limit: 10, appId: "other" }))
        .events,
    ).toEqual([]);
    // A bound at the start sees nothing.
    expect(
      (await readCommittedEventsAfter(db.prisma, { after: start, limit: 10, upTo: start })).events,
    ).toEqual([]);
  });

  it("lists the members as of each event: one who joined later is not among an earlier event's", async () => {
    const start = await currentEventCursor(db.prisma);
    const s = await session();
    await appendSessionEvents(db.prisma, { appId, sessionId: s.sessionId, events: [event("bob")] });
    // The timestamps have millisecond precision: let the clock move on before carol joins.
    const appended = Date.now();
    await expect.poll(() => Date.now() - appended, { interval: 1 }).toBeGreaterThan(2);
    await db.prisma.sessionMember.create({
      data: { appId, sessionId: s.sessionId, userId: "carol" },
    });
    await appendSessionEvents(db.prisma, { appId, sessionId: s.sessionId, events: [event("dan")] });
    let events: Awaited<ReturnType<typeof readCommittedEventsAfter>>["events"] = [];
    await expect
      .poll(async () => {
        ({ events } = await readCommittedEventsAfter(db.prisma, { after: start, limit: 10 }));
        return events.length;
      })
      .toBe(2);
    expect(events.map((e) => [e.subjectId, [...e.members].sort()])).toEqual([
      ["bob", ["alice"]],
      ["dan", ["alice", "carol"]],
    ]);
  });

  /**
   * A member joins as the writers add one: the row (joined at the transaction's now()) and an event
   * about them, in one transaction.
   */
  async function join(sessionId: string, userId: string) {
    await db.prisma.$transaction(async (tx) => {
      await upsertMembers(tx, {
        appId,
        sessionId,
        members: [
          {
            userId,
            confirmState: "CONFIRM_UNSPECIFIED",
            memberSessionState: "MEMBER_UNSPECIFIED",
            medias: [],
            tools: [],
            roles: [],
            deviceType: 0,
            seqId: 0,
            extra: "",
          },
        ],
        invitedBy: null,
        overwriteStates: [],
      });
      await appendSessionEvents(tx, { appId, sessionId, events: [event(userId)] });
    });
  }

  /** The next `count` events after `after`, read as a tail reads them (polling). */
  async function readNext(after: EventCursor, count: number, memberCache?: TailMemberCache) {
    let read = await readCommittedEventsAfter(db.prisma, { after, limit: 50, memberCache });
    await expect
      .poll(async () => {
        read = await readCommittedEventsAfter(db.prisma, { after, limit: 50, memberCache });
        return read.events.length;
      })
      .toBe(count);
    // The reader's next position, and each event's subject with the members it concerns.
    return {
      next: read.next,
      members: read.events.map((e) => [e.subjectId, [...e.members].sort()]),
    };
  }

  it("keeps the members of the sessions it has read: a later read takes them from its cache and the events", async () => {
    const start = await currentEventCursor(db.prisma);
    const s = await session();
    const cache = new TailMemberCache();
    await join(s.sessionId, "bob");
    const first = await readNext(start, 1, cache);
    expect(first.members).toEqual([["bob", ["alice", "bob"]]]);
    expect(cache.size).toBe(1);

    // A member row written without an event breaks the writers' rule, and shows that the next
    // read trusts its cache: it does not aggregate the session again.
    await db.prisma.sessionMember.create({
      data: { appId, sessionId: s.sessionId, userId: "eve" },
    });
    await join(s.sessionId, "carol");
    expect((await readNext(first.next, 1, cache)).members).toEqual([
      ["carol", ["alice", "bob", "carol"]],
    ]);
    expect((await readNext(first.next, 1)).members).toEqual([
      ["carol", ["alice", "bob", "carol", "eve"]],
    ]);
  });

  it("reads the same members with a cache as without, when it forgets sessions too", async () => {
    const start = await currentEventCursor(db.prisma);
    const [one, two] = [await session(), await session()];
    // Room for one session: each read forgets the other one and aggregates it again.
    const cache = new TailMemberCache(1, 1);
    await join(one.sessionId, "a1");
    await join(two.sessionId, "a2");
    await join(one.sessionId, "b1");
    const first = await readNext(start, 3, cache);
    expect(first.members).toEqual([
      ["a1", ["a1", "alice"]],
      ["a2", ["a2", "alice"]],
      ["b1", ["a1", "alice", "b1"]],
    ]);
    expect((await readNext(start, 3)).members).toEqual(first.members);
    await join(two.sessionId, "b2");
    await join(one.sessionId, "c1");
    const second = await readNext(first.next, 2, cache);
    expect(second.members).toEqual([
      ["b2", ["a2", "alice", "b2"]],
      ["c1", ["a1", "alice", "b1", "c1"]],
    ]);
    expect((await readNext(first.next, 2)).members).toEqual(second.members);
  });

  it("pages with `limit`, in order, without repeating", async () => {
    const start = await currentEventCursor(db.prisma);
    const s = await session();
    await appendSessionEvents(db.prisma, {
      appId,
      sessionId: s.sessionId,
      events: ["u1", "u2", "u3", "u4", "u5"].map(event),
    });
    const seen: number[] = [];
    let after = start;
    await expect
      .poll(async () => {
        const read = await readCommittedEventsAfter(db.prisma, { after, limit: 2 });
        seen.push(...read.events.map((e) => e.seq));
        after = read.next;
        return seen.length;
      })
      .toBe(5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it.runIf(target === "postgres")(
    "holds back a later commit while an earlier transaction runs, then gives both in order",
    async () => {
      const start = await currentEventCursor(db.prisma);
      const first = await session();
      const second = await session();
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let appended: () => void = () => {};
      const inserted = new Promise<void>((resolve) => {
        appended = resolve;
      });
      // The first transaction takes its id, writes, and stays open.
      const slow = db.prisma.$transaction(
        async (tx) => {
          await appendSessionEvents(tx, {
            appId,
            sessionId: first.sessionId,
            events: [event("slow")],
          });
          appended();
          await held;
        },
        { timeout: 20_000 },
      );
      await inserted;
      // A later transaction commits first (its event has the larger id AND the larger tx id).
      await appendSessionEvents(db.prisma, {
        appId,
        sessionId: second.sessionId,
        events: [event("fast")],
      });
      const early = await readCommittedEventsAfter(db.prisma, { after: start, limit: 10 });
      expect(early.events.map((e) => e.subjectId)).toEqual([]);
      expect(early.held).toBe(true);
      // The reader does not move past what it could not read yet.
      release();
      await slow;
      const got: (string | null)[] = [];
      let after = early.next;
      await expect
        .poll(async () => {
          const read = await readCommittedEventsAfter(db.prisma, { after, limit: 10 });
          got.push(...read.events.map((e) => e.subjectId));
          after = read.next;
          return got.length;
        })
        .toBe(2);
      expect(got).toEqual(["slow", "fast"]);
    },
  );

  it.runIf(target === "postgres")(
    "a transaction running in another database of the server does not hold the tail back",
    async () => {
      const start = await currentEventCursor(db.prisma);
      const elsewhere = new URL(db.url);
      elsewhere.pathname = "/postgres";
      const foreign = new pg.Client({ connectionString: elsewhere.toString() });
      await foreign.connect();
      try {
        // Another database's transaction takes its id first and stays open…
        await foreign.query("BEGIN");
        await foreign.query("SELECT pg_current_xact_id()");
        const s = await session();
        // …while a later one of this database commits an event: it is final, and read at once.
        await appendSessionEvents(db.prisma, {
          appId,
          sessionId: s.sessionId,
          events: [event("unheld")],
        });
        const read = await readCommittedEventsAfter(db.prisma, { after: start, limit: 10 });
        expect(read.events.map((e) => e.subjectId)).toEqual(["unheld"]);
        expect(read.held).toBe(false);
      } finally {
        await foreign.query("ROLLBACK").catch(() => {});
        await foreign.end();
      }
    },
  );

  it.runIf(target === "postgres")(
    "a signal from one process's client reaches another's listeners",
    async () => {
      const other = await createDb({ databaseUrl: db.url, poolMax: 1 });
      try {
        const listening = sessionEventSignalFor(other.prisma);
        let heard = 0;
        const stop = listening.onSignal(() => {
          heard += 1;
        });
        await expect.poll(() => listening.listening, { timeout: 10_000 }).toBe(true);
        const before = heard;
        sessionEventSignalFor(db.prisma).notify();
        await expect.poll(() => heard, { timeout: 5_000 }).toBeGreaterThan(before);
        stop();
      } finally {
        await other.close();
      }
    },
  );

  it.runIf(target === "postgres")(
    "a burst of signals sends NOTIFYs at least NOTIFY_GAP_MS apart, and its last one still goes out",
    async () => {
      const listener = new pg.Client({ connectionString: db.url });
      await listener.connect();
      const received: number[] = [];
      listener.on("notification", (message) => {
        if (message.channel === SESSION_EVENT_CHANNEL) received.push(performance.now());
      });
      await listener.query(`LISTEN ${SESSION_EVENT_CHANNEL}`);
      try {
        const signal = sessionEventSignalFor(db.prisma);
        const startedAt = performance.now();
        let lastAt = startedAt;
        for (let i = 0; i < 200; i += 1) {
          signal.notify();
          lastAt = performance.now();
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        // The burst's last signal is not lost in the gap: a NOTIFY follows it.
        await expect.poll(() => received.at(-1) ?? 0, { timeout: 5_000 }).toBeGreaterThan(lastAt);
        const spanMs = lastAt - startedAt;
        // One at the start, then at most one per gap (plus the one after the burst).
        expect(received.length).toBeGreaterThan(1);
        expect(received.length).toBeLessThanOrEqual(Math.ceil(spanMs / NOTIFY_GAP_MS) + 2);
      } finally {
        await listener.end();
      }
    },
  );

  it.runIf(target === "postgres")(
    "the tail reads through a connection of its own: it is not queued behind a busy pool",
    async () => {
      const other = await createDb({ databaseUrl: db.url, poolMax: 1 });
      const marker = `tail-reader-${Date.now()}`;
      // The pool's only connection is busy for longer than the test may take…
      const busy = other.prisma
        .$executeRawUnsafe(`SELECT pg_sleep(600) /* ${marker} */`)
        .catch(() => "cancelled");
      try {
        const reader = tailReaderFor(other.prisma);
        expect(reader).not.toBe(other.prisma);
        // Active only: an idle connection of this pool shows its last query, an earlier poll.
        await expect
          .poll(() =>
            db.prisma.$queryRawUnsafe<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%${marker}%' AND state = 'active' AND pid <> pg_backend_pid()`,
            ),
          )
          .toEqual([{ n: 1 }]);
        // …and the tail still reads at once.
        const s = await session();
        const start = await currentEventCursor(reader);
        await appendSessionEvents(db.prisma, {
          appId,
          sessionId: s.sessionId,
          events: [event("beside-busy-pool")],
        });
        const read = await readCommittedEventsAfter(reader, { after: start, limit: 10 });
        expect(read.events.map((e) => e.subjectId)).toContain("beside-busy-pool");
      } finally {
        await db.prisma.$executeRawUnsafe(
          `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%${marker}%' AND pid <> pg_backend_pid()`,
        );
        await busy;
        await other.close();
      }
    },
  );

  it.runIf(target === "pglite")("on PGlite the tail reads through the client itself", () => {
    // One session serves every connection: a second client would gain nothing.
    expect(tailReaderFor(db.prisma)).toBe(db.prisma);
  });
});

import { HiarError, type UserChannelEvent, UserEventsSubscriptionRequest } from "@collab/contracts";
import { compareCursors, type EventCursor, type TailedEvent } from "@collab/db";
import { ringingCalls } from "@collab/domain";
import { tracked } from "@trpc/server";
import { userStreamSlots } from "../../realtime/stream-slots";
import {
  channelEventFor,
  cursorId,
  maxCursor,
  parseCursorId,
  readBacklog,
  ringingEvent,
  ringKey,
} from "../../realtime/user-channel";
import { type UserEventSubscription, userEventHubFor } from "../../realtime/user-event-hub";
import { userProcedure } from "../../trpc";

/** Events a subscriber may have waiting; past that it catches up from the table instead. */
export const MAX_QUEUED_EVENTS = 1_000;
/** A resume scans at most this many of the app's events; an older resume point resyncs. */
export const MAX_RESUME_SCAN = 20_000;

/** A subscriber's inbox: the hub pushes, the generator takes; bounded. */
class Inbox {
  readonly #items: TailedEvent[] = [];
  #overflowed = false;
  #wake: (() => void) | undefined;

  push = (event: TailedEvent): void => {
    if (this.#overflowed) return;
    if (this.#items.length >= MAX_QUEUED_EVENTS) {
      // Drop what waits: the generator reads it all back from the table.
      this.#overflowed = true;
      this.#items.length = 0;
    } else {
      this.#items.push(event);
    }
    this.#wake?.();
  };

  get overflowed(): boolean {
    return this.#overflowed;
  }

  take(): TailedEvent[] {
    return this.#items.splice(0);
  }

  /** Resolves when something arrives, `signal` aborts or `untilMs` passes. */
  wait(signal: AbortSignal | undefined, untilMs: number): Promise<void> {
    if (this.#items.length > 0 || this.#overflowed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, untilMs - Date.now()));
      const wake = this.#wake;
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
      this.#wake = () => {
        this.#wake = wake;
        done();
      };
    });
  }
}

/**
 * user.onEvent: every event concerning the token's user in the token's app, live (SSE). On a
 * first connect it sends the rings still in progress; on a reconnect (tRPC sends the last tracked
 * id as lastEventId) it sends what happened since, then continues live: no gap, no duplicate.
 * A resume point too old (or unknown) answers `resync` and the rings in progress. The stream ends
 * with UNAUTHENTICATED when the token expires.
 */
export const onEvent = userProcedure
  .input(UserEventsSubscriptionRequest)
  .subscription(async function* ({ ctx, input, signal }) {
    const { app, user } = ctx;
    const release = userStreamSlots().acquire(app.id, user.id);
    const hub = userEventHubFor(ctx.db);
    let inbox = new Inbox();
    let subscription: UserEventSubscription | undefined;
    try {
      subscription = await hub.subscribe(app.id, user.id, inbox.push);
      // Listening: whatever commits from now on arrives live; what is older is read below.
      ctx.onSubscribed?.();
      const expiresAtMs = user.expiresAt.getTime();
      const resumeFrom = parseCursorId(input?.lastEventId);
      let last: EventCursor = subscription.position;
      /** Rings sent from the member table: the same ring arriving live is not sent again. */
      const sentRings = new Set<string>();
      const send = (event: TailedEvent) => {
        const mapped = channelEventFor(user.id, event);
        if (mapped === null) return null;
        if (mapped.kind === "ring" && sentRings.has(ringKey(mapped.sessionID, mapped.invitedAt))) {
          return null;
        }
        return tracked(cursorId(event.cursor), mapped);
      };

      let backlog: TailedEvent[] | null = null;
      if (resumeFrom !== null) {
        if (compareCursors(resumeFrom, subscription.position) < 0) {
          backlog = (
            await readBacklog(ctx.db, {
              appId: app.id,
              userId: user.id,
              from: resumeFrom,
              to: subscription.position,
              maxScanned: MAX_RESUME_SCAN,
            })
          ).events;
        } else {
          backlog = [];
        }
        last = maxCursor(resumeFrom, subscription.position);
      }
      if (backlog === null) {
        if (input?.lastEventId != null) {
          yield tracked(cursorId(subscription.position), {
            kind: "resync",
            at: Date.now(),
          } satisfies UserChannelEvent);
        }
        for (const call of await ringingCalls(ctx, user.id)) {
          const ring = ringingEvent(call);
          if (ring.kind === "ring") sentRings.add(ringKey(ring.sessionID, ring.invitedAt));
          yield tracked(cursorId(subscription.position), ring);
        }
      } else {
        for (const event of backlog) {
          const out = send(event);
          if (out !== null) yield out;
        }
      }

      while (signal?.aborted !== true) {
        if (Date.now() >= expiresAtMs) {
          throw new HiarError("UNAUTHENTICATED", "the user token has expired");
        }
        if (inbox.overflowed) {
          // Fell behind: subscribe afresh and read what was dropped from the table.
          const behind = last;
          const fresh = new Inbox();
          const next = await hub.subscribe(app.id, user.id, fresh.push);
          subscription.unsubscribe();
          subscription = next;
          inbox = fresh;
          const caught = await readBacklog(ctx.db, {
            appId: app.id,
            userId: user.id,
            from: behind,
            to: next.position,
            maxScanned: MAX_RESUME_SCAN,
          });
          if (caught.events === null) {
            // Too far behind to replay: start over from the current state.
            yield tracked(cursorId(next.position), {
              kind: "resync",
              at: Date.now(),
            } satisfies UserChannelEvent);
            for (const call of await ringingCalls(ctx, user.id)) {
              const ring = ringingEvent(call);
              if (ring.kind === "ring") sentRings.add(ringKey(ring.sessionID, ring.invitedAt));
              yield tracked(cursorId(next.position), ring);
            }
          }
          for (const event of caught.events ?? []) {
            if (compareCursors(event.cursor, last) <= 0) continue;
            const out = send(event);
            last = event.cursor;
            if (out !== null) yield out;
          }
          last = maxCursor(last, next.position);
          continue;
        }
        for (const event of inbox.take()) {
          if (compareCursors(event.cursor, last) <= 0) continue;
          last = event.cursor;
          const out = send(event);
          if (out !== null) yield out;
        }
        await inbox.wait(signal, expiresAtMs);
      }
    } finally {
      subscription?.unsubscribe();
      release();
    }
  });

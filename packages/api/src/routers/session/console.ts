import { randomUUID } from "node:crypto";
import {
  GetSessionRequest,
  HiarError,
  ListSessionEventsRequest,
  OpenAsMemberRequest,
  OpenAsMemberResult,
  SessionEventPage,
  SessionEventsSubscriptionRequest,
  SessionView,
} from "@collab/contracts";
import {
  findSessionOrThrow,
  getSession,
  issueUserToken,
  listSessionEvents,
  readSessionEventsAfter,
} from "@collab/domain";
import { tracked } from "@trpc/server";
import { sessionEventFeedFor } from "../../realtime/session-event-feed";
import { liveStreamSlots } from "../../realtime/stream-slots";
import { appProcedure } from "../../trpc";

/** How long a token minted by "open as <member>" lasts: a test call, not a day's use. */
export const OPEN_AS_MEMBER_TTL_SECONDS = 3_600;

/** Events sent per read while catching up; a longer backlog is read in several. */
const STREAM_BATCH = 100;

// The console's session page, spread into sessionRouter.
export const sessionConsoleProcedures = {
  /** The session, its collaboration and its members. */
  get: appProcedure
    .input(GetSessionRequest)
    .output(SessionView)
    .query(({ ctx, input }) => getSession(ctx, input)),

  /**
   * "Open as <member>": a user token for a member of this session, to open the web phone as
   * them. Allowed to the app's signed-in operator in every environment: signing in took the
   * app's secret, which mints any of its users' tokens anyway (docs/user-channel.md). Only for a
   * member of the session (NOT_FOUND otherwise); a fresh device id each time; one hour.
   */
  openAsMember: appProcedure
    .input(OpenAsMemberRequest)
    .output(OpenAsMemberResult)
    .mutation(async ({ ctx, input }) => {
      const session = await getSession(ctx, { sessionID: input.sessionID });
      if (!session.members.some((m) => m.userID === input.userID)) {
        throw new HiarError("NOT_FOUND", "no such member in this session");
      }
      const deviceID = `console-${randomUUID().slice(0, 8)}`;
      const issued = await issueUserToken(ctx, {
        userID: input.userID,
        deviceID,
        ttlSeconds: OPEN_AS_MEMBER_TTL_SECONDS,
      });
      return {
        userID: input.userID,
        deviceID,
        token: issued.token,
        expiresAt: Number(issued.expireTime) * 1000,
      };
    }),

  /** The session's event timeline, newest first, paging back with beforeSeq. */
  events: appProcedure
    .input(ListSessionEventsRequest)
    .output(SessionEventPage)
    .query(({ ctx, input }) => listSessionEvents(ctx, input)),

  /**
   * The session's new events, live (SSE), each tracked by its seq. It starts after `lastEventId`
   * (the last seq the client has; absent = from now) and, on a reconnect, tRPC's client sends
   * the last id it received, so every event arrives exactly once and in order. Events are read
   * from session_event; the feed only says when to read again.
   */
  onEvent: appProcedure.input(SessionEventsSubscriptionRequest).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    // Bounded: RATE_LIMITED past the app's (or the process's) number of open streams.
    const release = liveStreamSlots().acquire(ctx.app.id);
    try {
      const session = await findSessionOrThrow(ctx, input.sessionID);
      const key = { appId: ctx.app.id, sessionId: session.id };
      const feed = sessionEventFeedFor(ctx.db);
      // A cursor past the newest event (a database reset under an open page) restarts at the
      // newest, rather than silently skipping the events that will reuse those seqs.
      let cursor =
        input.lastEventId == null
          ? session.eventSeq
          : Math.min(Number(input.lastEventId), session.eventSeq);
      while (signal?.aborted !== true) {
        const events = await readSessionEventsAfter(ctx, {
          sessionID: session.id,
          afterSeq: cursor,
          limit: STREAM_BATCH,
        });
        for (const event of events) {
          yield tracked(String(event.seq), event);
          cursor = event.seq;
        }
        if (events.length < STREAM_BATCH) await feed.waitForEventAfter(key, cursor, signal);
      }
    } finally {
      release();
    }
  }),
};

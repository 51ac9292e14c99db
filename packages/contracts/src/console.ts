import * as z from "zod";
import {
  COLLABORATION_STATES,
  CONFIRM_STATES,
  MEMBER_SESSION_STATES,
  SESSION_STATES,
} from "./enums";
import { INVITE_OUTCOMES } from "./invite";
import { Id, StorableString } from "./scalars";

// The operator console's typed procedures (tRPC only, never on the HiAR REST wire). Inputs are
// strict about types (the console is our own client); outputs carry times as ISO 8601 strings so
// they cross tRPC's JSON without a transformer and the browser renders them in its time zone.

/** Console page sizes. */
export const CONSOLE_LIMITS = {
  collaborationsPageDefault: 20,
  collaborationsPageMax: 100,
  eventsPageDefault: 50,
  eventsPageMax: 200,
  /** Longest APPID / secret a sign-in form may send (the server's own are far shorter). */
  maxCredentialLength: 256,
} as const;

const IsoTime = z.iso.datetime({ offset: true });

// --- sign-in -------------------------------------------------------------------------------------

/** The operator's credentials: the same APPID and secret the REST API signs with. */
export const SignInRequest = z.object({
  appId: StorableString.trim()
    .min(1, { error: "is required" })
    .max(CONSOLE_LIMITS.maxCredentialLength, { error: "is too long" }),
  secret: StorableString.min(1, { error: "is required" }).max(CONSOLE_LIMITS.maxCredentialLength, {
    error: "is too long",
  }),
});
export type SignInRequest = z.output<typeof SignInRequest>;

/** The signed-in app (tenant). Its secret never leaves the server. */
export const ConsoleApp = z.object({ id: z.string(), name: z.string() });
export type ConsoleApp = z.output<typeof ConsoleApp>;

// --- collaborations ------------------------------------------------------------------------------

export const ListCollaborationsRequest = z.object({
  limit: z
    .int()
    .min(1)
    .max(CONSOLE_LIMITS.collaborationsPageMax)
    .default(CONSOLE_LIMITS.collaborationsPageDefault),
  offset: z.int().min(0).default(0),
});
export type ListCollaborationsRequest = z.output<typeof ListCollaborationsRequest>;
export type ListCollaborationsRequestInput = z.input<typeof ListCollaborationsRequest>;

export const CollaborationSummary = z.object({
  collaborationID: z.string(),
  state: z.enum(COLLABORATION_STATES),
  detail: z.string(),
  creatorID: z.string(),
  /** ruleSettings.numberLimit (0 = none of its own). */
  numberLimit: z.int(),
  createdAt: IsoTime,
  /** The collaboration's current session (its newest). */
  session: z
    .object({
      sessionID: z.string(),
      state: z.enum(SESSION_STATES),
      /** Members CALLING or TALKING (counted against the limit). */
      liveMembers: z.int(),
      totalMembers: z.int(),
    })
    .nullable(),
});
export type CollaborationSummary = z.output<typeof CollaborationSummary>;

export const CollaborationPage = z.object({
  items: z.array(CollaborationSummary),
  /** All of the app's collaborations, for pagination. */
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
});
export type CollaborationPage = z.output<typeof CollaborationPage>;

// --- one session ---------------------------------------------------------------------------------

export const GetSessionRequest = z.object({ sessionID: Id });
export type GetSessionRequest = z.output<typeof GetSessionRequest>;

/**
 * The console's "open as <member>": a short-lived user token for one member of a session, to
 * open the web phone as them (docs/user-channel.md, "The web phone").
 */
export const OpenAsMemberRequest = z.object({ sessionID: Id, userID: Id });
export type OpenAsMemberRequest = z.output<typeof OpenAsMemberRequest>;

export const OpenAsMemberResult = z.object({
  userID: z.string(),
  /** A fresh device id per opening: each phone opened is a device of its own. */
  deviceID: z.string(),
  token: z.string(),
  /** Unix milliseconds. */
  expiresAt: z.number().int(),
});
export type OpenAsMemberResult = z.output<typeof OpenAsMemberResult>;

export const SessionMemberView = z.object({
  userID: z.string(),
  memberSessionState: z.enum(MEMBER_SESSION_STATES),
  confirmState: z.enum(CONFIRM_STATES),
  roles: z.array(z.int()),
  deviceType: z.int(),
  /** Who last rang this member, and when; null when never invited (added by /create). */
  invitedBy: z.string().nullable(),
  invitedAt: IsoTime.nullable(),
  joinedAt: IsoTime,
});
export type SessionMemberView = z.output<typeof SessionMemberView>;

export const SessionView = z.object({
  sessionID: z.string(),
  collaborationID: z.string(),
  state: z.enum(SESSION_STATES),
  starterID: z.string(),
  createdAt: IsoTime,
  collaboration: z.object({
    state: z.enum(COLLABORATION_STATES),
    detail: z.string(),
    creatorID: z.string(),
    numberLimit: z.int(),
    createdAt: IsoTime,
  }),
  /** The live-member cap that applies (memberLimitFor(numberLimit)). */
  memberLimit: z.int(),
  liveMembers: z.int(),
  /** In the order they joined. */
  members: z.array(SessionMemberView),
  /** The seq of the session's newest event (0 when it has none). */
  lastEventSeq: z.int(),
});
export type SessionView = z.output<typeof SessionView>;

// --- the event log -------------------------------------------------------------------------------

export const SessionEventView = z.object({
  /** 1, 2, 3, … per session, without gaps: the stream's resume cursor. */
  seq: z.int(),
  /** Dotted name, e.g. "member.invited". */
  type: z.string(),
  /** Who caused it; null when the server did. */
  actorID: z.string().nullable(),
  /** Whom it is about, if anyone. */
  subjectID: z.string().nullable(),
  fromState: z.enum(MEMBER_SESSION_STATES).nullable(),
  toState: z.enum(MEMBER_SESSION_STATES).nullable(),
  traceID: z.string().nullable(),
  createdAt: IsoTime,
  /** The invite's outcome for invites ("added" / "rung_again"), when the payload says. */
  outcome: z.enum(INVITE_OUTCOMES).nullable(),
  /**
   * Why, when the payload says: the request's reason (decline, busy, leave, cancel, kickout,
   * end) or the server's own (`session_ended` on /session/end's member.left events).
   */
  reason: z.string().nullable(),
  /** The request's extra, when it sent one. */
  extra: z.string().nullable(),
});
export type SessionEventView = z.output<typeof SessionEventView>;

export const ListSessionEventsRequest = z.object({
  sessionID: Id,
  /** Only events older than this seq (paging back); absent = from the newest. */
  beforeSeq: z.int().min(1).optional(),
  limit: z.int().min(1).max(CONSOLE_LIMITS.eventsPageMax).default(CONSOLE_LIMITS.eventsPageDefault),
});
export type ListSessionEventsRequest = z.output<typeof ListSessionEventsRequest>;

export const SessionEventPage = z.object({
  /** Newest first. */
  events: z.array(SessionEventView),
  /** Whether older events exist (page with beforeSeq = the last one's seq). */
  hasOlder: z.boolean(),
});
export type SessionEventPage = z.output<typeof SessionEventPage>;

/** A stream's resume cursor: a seq as a decimal string (SSE event ids are strings). */
export const EventCursor = StorableString.regex(/^(0|[1-9]\d{0,9})$/, {
  error: "must be an event seq (a decimal integer)",
});

/**
 * The live stream of a session's events. `lastEventId` is the seq of the last event the client
 * has (it is also what tRPC's SSE client sends when it reconnects); absent = from now on.
 */
export const SessionEventsSubscriptionRequest = z.object({
  sessionID: Id,
  lastEventId: EventCursor.nullish(),
});
export type SessionEventsSubscriptionRequest = z.output<typeof SessionEventsSubscriptionRequest>;

import type * as z from "zod";
import { CancelInviteRequest } from "./cancel";
import { CreateCollaborationRequest } from "./create";
import {
  CreateCollaborationResponse,
  InviteSessionResponse,
  QueryByUserResponse,
} from "./envelope";
import type { ErrorReason } from "./error-catalogue";
import { InviteSessionRequest } from "./invite";
import {
  EndSessionRequest,
  KickoutRequest,
  LifecycleResponse,
  MemberActionRequest,
  MemberActionWithReasonRequest,
} from "./lifecycle";
import { QueryByUserRequest } from "./query-by-user";
import { SessionEventsRequest, SessionEventsResponse } from "./session-events";
import { UserCallsRequest, UserCallsResponse } from "./user-call-history";
import { UserTokenRequest, UserTokenResponse } from "./user-token";

// The documented HiAR POST paths as data: the REST adapter serves them, the OpenAPI document
// describes them and the SDK calls them, all from this one list.
//
// Names: an operation's key here (e.g. inviteSession) is also the name of its use case in
// packages/domain, of its line in the REST table and of the SDK's method; its path names the
// console's tRPC procedure (/session/invite → session.invite).

export interface HiarOperation {
  /** Path on the service; also served under the capability prefix (e.g. /leliaRTC). */
  readonly path: `/${string}`;
  /** Short English title, and the HiAR doc's Chinese title when there is one. */
  readonly summary: string;
  readonly description: string;
  /** Whether HiAR documents it, or it is this project's documented extension. */
  readonly origin: "hiar" | "extension";
  readonly request: z.ZodType;
  /** The success envelope (HTTP 200). */
  readonly response: z.ZodType;
  /** Catalogue errors this operation can answer, beyond the ones every operation can. */
  readonly errors: readonly ErrorReason[];
}

/** Errors any signed operation can answer (transport, authentication, server). */
export const COMMON_ERRORS: readonly ErrorReason[] = [
  "INVALID_PARAM",
  "UNAUTHENTICATED",
  "REQUEST_EXPIRED",
  "NONCE_REUSED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
];

export const HIAR_OPERATIONS = {
  inviteSession: {
    path: "/session/invite",
    summary: "Invite members into an ongoing session (会话中邀请)",
    description:
      "Rings members into a session: absent members are added, members in a terminal state are " +
      "rung again, members already calling or talking are left as they are. All or nothing.",
    origin: "hiar",
    request: InviteSessionRequest,
    response: InviteSessionResponse,
    errors: ["PERMISSION_DENIED", "NOT_FOUND", "INVALID_STATE", "MEMBER_LIMIT_EXCEEDED"],
  },
  createCollaboration: {
    path: "/create",
    summary: "Create a collaboration and its session",
    description:
      "Creates a collaboration with its session (SESSION_SCHEDULE), adding the creator and the " +
      "listed members with MEMBER_UNSPECIFIED, and stores the rule settings.",
    origin: "hiar",
    request: CreateCollaborationRequest,
    response: CreateCollaborationResponse,
    errors: [],
  },
  queryCollaborationsByUser: {
    path: "/user/query",
    summary: "Query collaborations by member (按成员查询协作)",
    description:
      "Lists the app's collaborations in which userID is a member, newest first, each with its " +
      "session and its members keyed by userID.",
    origin: "hiar",
    request: QueryByUserRequest,
    response: QueryByUserResponse,
    errors: [],
  },
  // The call lifecycle: this project's extensions (HiAR documents no such endpoints).
  acceptCall: {
    path: "/session/accept",
    summary: "Accept a call (extension)",
    description:
      "The rung member userID answers: MEMBER_CALLING → MEMBER_TALKING. The first member to " +
      "answer starts a scheduled session (SESSION_SCHEDULE → SESSION_START).",
    origin: "extension",
    request: MemberActionRequest,
    response: LifecycleResponse,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  },
  declineCall: {
    path: "/session/decline",
    summary: "Decline a call (extension)",
    description:
      "The rung member userID declines: MEMBER_CALLING → MEMBER_DECLINE. Optional reason and " +
      "extra are recorded in the event's payload.",
    origin: "extension",
    request: MemberActionWithReasonRequest,
    response: LifecycleResponse,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  },
  reportBusy: {
    path: "/session/busy",
    summary: "Report a rung member busy (extension)",
    description:
      "The rung member userID is busy: MEMBER_CALLING → MEMBER_BUSY. Optional reason and extra " +
      "are recorded in the event's payload.",
    origin: "extension",
    request: MemberActionWithReasonRequest,
    response: LifecycleResponse,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  },
  reportOffline: {
    path: "/session/offline",
    summary: "Report a member offline (extension)",
    description:
      "A client reports member userID offline: MEMBER_CALLING or MEMBER_TALKING → MEMBER_OFFLINE.",
    origin: "extension",
    request: MemberActionRequest,
    response: LifecycleResponse,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  },
  leaveSession: {
    path: "/session/leave",
    summary: "Leave a session (extension)",
    description:
      "The talking member userID leaves: MEMBER_TALKING → MEMBER_LEFT. Optional reason and " +
      "extra are recorded in the event's payload.",
    origin: "extension",
    request: MemberActionWithReasonRequest,
    response: LifecycleResponse,
    errors: ["NOT_FOUND", "INVALID_STATE"],
  },
  kickoutMember: {
    path: "/session/kickout",
    summary: "Kick a member out of a session (extension)",
    description:
      "Member userID removes the talking member memberID: MEMBER_TALKING → MEMBER_KICKOUT. " +
      "With ruleSettings.roleControl, userID needs a role whose roleRights include RIGHT_KICKOUT " +
      "or RIGHT_ALL; without it, the session's starter and the collaboration's creator may kick. " +
      "Optional reason and extra are recorded in the event's payload.",
    origin: "extension",
    request: KickoutRequest,
    response: LifecycleResponse,
    errors: ["PERMISSION_DENIED", "NOT_FOUND", "INVALID_STATE"],
  },
  endSession: {
    path: "/session/end",
    summary: "End a session (extension)",
    description:
      "The session's starter or the collaboration's creator ends the session: every member " +
      "calling or talking becomes MEMBER_LEFT, the session SESSION_END and the collaboration " +
      "COLLABORATION_END. Afterwards invites and transitions in it answer INVALID_STATE. " +
      "Optional reason and extra are recorded in the session.ended event's payload.",
    origin: "extension",
    request: EndSessionRequest,
    response: LifecycleResponse,
    errors: ["PERMISSION_DENIED", "NOT_FOUND", "INVALID_STATE"],
  },
  cancelInvite: {
    path: "/session/cancel",
    summary: "Cancel a ring (extension)",
    description:
      "userID stops the listed members ringing: each, still MEMBER_CALLING, becomes MEMBER_LEFT " +
      "(event member.cancelled, its calling timeout cleared). All or nothing: a member not " +
      "ringing is INVALID_STATE naming it. Allowed to each member's inviter, the session's " +
      "starter and the collaboration's creator; with ruleSettings.roleControl, to the inviter " +
      "and a role whose roleRights include RIGHT_CANCEL or RIGHT_ALL. Optional reason and extra " +
      "are recorded in each event's payload.",
    origin: "extension",
    request: CancelInviteRequest,
    response: LifecycleResponse,
    errors: ["PERMISSION_DENIED", "NOT_FOUND", "INVALID_STATE"],
  },
  // Catching up on a session's events (a webhook receiver that was down): our extension.
  fetchSessionEvents: {
    path: "/session/events",
    summary: "Read a session's events after a seq (extension)",
    description:
      "Returns the session's events with a seq greater than afterSeq, oldest first, at most " +
      "limit (100) of them, each exactly as its webhook delivers it, with the seq to ask from " +
      "next: a receiver that missed deliveries catches up from the last seq it processed. Works " +
      "on ended sessions too.",
    origin: "extension",
    request: SessionEventsRequest,
    response: SessionEventsResponse,
    errors: ["NOT_FOUND"],
  },
  // A user's call history (missed calls included): our extension.
  fetchUserCalls: {
    path: "/user/calls",
    summary: "List a user's calls with their outcome (extension)",
    description:
      "Returns the calls the user was rung for, newest ring first, each with its outcome: " +
      "answered, missed (timed out, declined, busy, cancelled, offline) or ongoing; optionally " +
      "only one outcome, within a time window, paged by an opaque cursor (nextCursor).",
    origin: "extension",
    request: UserCallsRequest,
    response: UserCallsResponse,
    errors: [],
  },
  // End-user tokens for the user channel: this project's extension.
  issueUserToken: {
    path: "/user/token",
    summary: "Mint a user token (extension)",
    description:
      "Returns a short-lived token (a JWT signed HS256 with the app's secret; iss = APPID, sub = " +
      "userID, optional device id) with which the user's device calls the user procedures and " +
      "subscribes to the user channel, acting only as that user. The same token the SDK's " +
      "createUserToken mints without a round trip. Changing the app's secret invalidates it.",
    origin: "extension",
    request: UserTokenRequest,
    response: UserTokenResponse,
    errors: [],
  },
} as const satisfies Record<string, HiarOperation>;

export type HiarOperationName = keyof typeof HIAR_OPERATIONS;

import type * as z from "zod";
import { CreateCollaborationRequest } from "./create";
import {
  CreateCollaborationResponse,
  InviteSessionResponse,
  QueryByUserResponse,
} from "./envelope";
import type { ErrorReason } from "./error-catalogue";
import { InviteSessionRequest } from "./invite";
import { QueryByUserRequest } from "./query-by-user";

// The documented HiAR POST paths as data: the REST adapter serves them, the OpenAPI document
// describes them and the SDK calls them, all from this one list.

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
} as const satisfies Record<string, HiarOperation>;

export type HiarOperationName = keyof typeof HIAR_OPERATIONS;

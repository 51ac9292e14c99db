import { signRequestHeaders } from "@collab/hiar-auth";
import type { BenchApp } from "../database/fixtures";
import { INVITER_ID } from "../database/fixtures";
import type { InviteAssignment } from "./target-pool";

/** Path, headers and body of one HTTP request. */
export interface HttpRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The invite's body as a HiAR client sends it (a few member fields, as in the doc's example). */
export function inviteBody(assignment: InviteAssignment): Record<string, unknown> {
  return {
    collaborationID: assignment.target.collaborationId,
    sessionID: assignment.target.sessionId,
    userID: INVITER_ID,
    members: assignment.userIds.map((userID) => ({
      userID,
      memberSessionState: "MEMBER_CALLING",
      deviceType: 1,
      medias: [1, 2],
      roles: [1],
    })),
  };
}

export const INVITE_PATH = "/session/invite";

/** POST /session/invite, signed by @collab/hiar-auth with a fresh nonce and date. */
export function signedInvite(app: BenchApp, assignment: InviteAssignment): HttpRequest {
  return {
    path: INVITE_PATH,
    headers: {
      "content-type": "application/json",
      ...signRequestHeaders({
        appId: app.id,
        secret: app.secret,
        method: "POST",
        path: INVITE_PATH,
      }),
    },
    body: JSON.stringify(inviteBody(assignment)),
  };
}

export const TRPC_INVITE_PATH = "/api/trpc/session.invite";

/**
 * The console's call: tRPC `session.invite` (non-batched, no transformer) with its session cookie
 * and the same-origin header a browser sends.
 */
export function trpcInvite(
  cookie: string,
  origin: string,
  assignment: InviteAssignment,
): HttpRequest {
  return {
    path: TRPC_INVITE_PATH,
    headers: { "content-type": "application/json", cookie, origin },
    body: JSON.stringify(inviteBody(assignment)),
  };
}

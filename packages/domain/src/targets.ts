import { type CollaborationStateName, HiarError, type SessionStateName } from "@collab/contracts";

// What every operation on a session checks first (the invite, the member actions, /session/end):
// the collaboration and the session exist in the caller's app and have not ended. Another app's
// objects are never read, so they answer exactly as absent ones do.

/** A collaboration and its session as an operation read them; null = not in the app. */
export interface SessionTarget {
  readonly collaboration: { readonly state: CollaborationStateName } | null;
  readonly session: { readonly state: SessionStateName } | null;
}

export interface SessionTargetIds {
  readonly collaborationID: string;
  readonly sessionID: string;
}

/** NOT_FOUND for a collaboration the app does not have (absent or another app's: same answer). */
export function collaborationNotFound(ids: SessionTargetIds): HiarError {
  return new HiarError("NOT_FOUND", `collaboration ${ids.collaborationID} not found`, {
    field: "collaborationID",
  });
}

/** NOT_FOUND for a session the app does not have in that collaboration. */
export function sessionNotFound(ids: SessionTargetIds): HiarError {
  return new HiarError(
    "NOT_FOUND",
    `session ${ids.sessionID} not found in collaboration ${ids.collaborationID}`,
    { field: "sessionID" },
  );
}

/**
 * NOT_FOUND when the app has no such collaboration, or no such session in it (another app's
 * objects were never read, so they are indistinguishable from absent ones); INVALID_STATE when
 * the session or the collaboration has ended.
 */
export function assertSessionTarget<T extends SessionTarget>(
  target: T,
  ids: SessionTargetIds,
): asserts target is T & {
  collaboration: NonNullable<T["collaboration"]>;
  session: NonNullable<T["session"]>;
} {
  if (target.collaboration === null) throw collaborationNotFound(ids);
  if (target.session === null) throw sessionNotFound(ids);
  if (target.session.state === "SESSION_END") {
    throw new HiarError("INVALID_STATE", `session ${ids.sessionID} has ended`, {
      field: "sessionID",
    });
  }
  if (target.collaboration.state === "COLLABORATION_END") {
    throw new HiarError("INVALID_STATE", `collaboration ${ids.collaborationID} has ended`, {
      field: "collaborationID",
    });
  }
}

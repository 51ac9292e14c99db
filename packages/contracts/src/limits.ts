// Every numeric limit of the wire contract, in one place, so the REST adapter, the domain and
// the console enforce (and document) the same numbers. docs/hiar-api.md, "Limits", states them.

export const LIMITS = {
  /** Largest accepted request body, in bytes (1 MiB); larger bodies get PAYLOAD_TOO_LARGE. */
  maxBodyBytes: 1_048_576,
  /** Most invitees in one POST /session/invite. */
  maxInviteMembers: 100,
  /** Shortest ID (userID, collaborationID, sessionID), in characters (Unicode code points). */
  minIdLength: 1,
  /** Longest ID, in characters (Unicode code points). */
  maxIdLength: 64,
  /** Longest `extra` (and `detail`), in characters (Unicode code points). */
  maxExtraLength: 4096,
  /** Most live (CALLING or TALKING) members per session, unless numberLimit is lower. */
  maxSessionMembers: 500,
  /** Most members listed in one POST /create (the session cap bounds the list too). */
  maxCreateMembers: 500,
  /** Allowed distance between X-HIAR-OPENAPI-DATE and the server clock, in seconds (±). */
  dateWindowSeconds: 300,
  /** /user/query page size when `limit` is 0 or absent. */
  queryLimitDefault: 20,
  /** Largest /user/query page size. */
  queryLimitMax: 100,
} as const;

export type Limits = typeof LIMITS;

/**
 * The live-member cap of a session: `numberLimit` when the collaboration sets a lower one,
 * else LIMITS.maxSessionMembers. 0 (or a negative value, which the contract never lets in)
 * means "no own limit".
 */
export function memberLimitFor(numberLimit: number): number {
  return numberLimit > 0
    ? Math.min(numberLimit, LIMITS.maxSessionMembers)
    : LIMITS.maxSessionMembers;
}

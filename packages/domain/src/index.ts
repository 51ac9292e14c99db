// @collab/domain: framework-free use cases, one module per HiAR operation. Input is the contracts'
// parsed output; errors are HiarErrors with a catalogue reason.

export type { DomainContext } from "./context";
export { createCollaboration } from "./create-collaboration";
export { planCreateMembers } from "./create-plan";
export { EVENT_TYPES, type EventType } from "./events";
export { isStoredId } from "./ids";
export { inviteMembers } from "./invite-members";
export {
  assertInviteRequest,
  assertInviteTarget,
  type InviteChange,
  type InvitePlan,
  type InvitePlanInput,
  type InviteTarget,
  inviteOutcomeFor,
  planInvite,
  RING_STATE,
} from "./invite-plan";
export { pageSize, queryCollaborationsByUser } from "./query-collaborations-by-user";
export { MAX_UNIX_SECONDS, timeRange, unixSecondsToDate } from "./times";
export { TRANSACTION_OPTIONS } from "./transaction";

// @collab/domain: framework-free use cases, one module per HiAR operation. Input is the contracts'
// parsed output; errors are HiarErrors with a catalogue reason.

export { acceptCall } from "./accept-call";
export { effectiveCallingTimeoutSeconds, MAX_CALLING_TIMEOUT_SECONDS } from "./calling-timeout";
export type { DomainContext, DomainSettings } from "./context";
export { createCollaboration } from "./create-collaboration";
export { planCreateMembers } from "./create-plan";
export { declineCall } from "./decline-call";
export { endSession } from "./end-session";
export { EVENT_TYPES, type EventType } from "./events";
export { findSessionOrThrow, getSession } from "./get-session";
export { isStoredId } from "./ids";
export { type InviteOptions, inviteMembers } from "./invite-members";
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
export { issueUserToken } from "./issue-user-token";
export { kickOutMember } from "./kick-out-member";
export { leaveSession } from "./leave-session";
export {
  holdsKickRight,
  type KickRightInput,
  mayEndSession,
  storedRuleSettings,
} from "./lifecycle-rules";
export { listCollaborations } from "./list-collaborations";
export {
  listSessionEvents,
  readSessionEventsAfter,
  sessionEventView,
} from "./list-session-events";
export {
  type MemberTransitionSpec,
  type TransitionOrigin,
  transitionMember,
} from "./member-transition";
export { pageSize, queryCollaborationsByUser } from "./query-collaborations-by-user";
export { reportBusy } from "./report-busy";
export { reportOffline } from "./report-offline";
export { currentApp, signIn, WRONG_CREDENTIALS_MESSAGE } from "./sign-in";
export {
  type CallingTimeoutSweepResult,
  DEFAULT_SWEEP_BATCH_SIZE,
  timeOutDueCalls,
} from "./time-out-due-calls";
export { MAX_UNIX_SECONDS, timeRange, unixSecondsToDate } from "./times";
export { TRANSACTION_OPTIONS } from "./transaction";
export {
  listUserCalls,
  MAX_CURRENT_CALLS,
  MAX_MISSED_CALLS,
  MISSED_CALLS_WINDOW_MS,
  ringingCalls,
  userCallView,
} from "./user-calls";
export { getWebhook, listWebhookDeliveries, setWebhook } from "./webhook-settings";

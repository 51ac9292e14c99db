// @collab/domain: framework-free use cases, one function per operation (named as its contract).
// Input is the contracts' parsed output; errors are HiarErrors with a catalogue reason.

export { deleteOwnApp, readUsage } from "./app-operations";
export { DEFAULT_SECRET_OVERLAP_MS, rotateSecret } from "./app-secret";
export {
  type CallFacts,
  type CallResult,
  callOutcome,
  callOutcomeKeys,
  MEMBER_CANCELLED_EVENT,
} from "./call-outcome";
export { effectiveCallingTimeoutSeconds, MAX_CALLING_TIMEOUT_SECONDS } from "./calling-timeout";
export { cancelInvite } from "./cancel-invite";
export {
  type CancelPlanInput,
  type CancelRightInput,
  holdsCancelRight,
  planCancel,
} from "./cancel-plan";
export type { DomainContext, DomainSettings } from "./context";
export { createCollaboration } from "./create-collaboration";
export { planCreateMembers } from "./create-plan";
export { endSession } from "./end-session";
export { EVENT_TYPES, type EventType } from "./events";
export { findSessionOrThrow, getSession } from "./get-session";
export { isStoredId } from "./ids";
export {
  assertInviteRequest,
  BUSY_STATE,
  type InviteChange,
  type InvitePlan,
  type InvitePlanInput,
  inviteOutcomeFor,
  planInvite,
  RING_STATE,
  type TalkingElsewhere,
} from "./invite-plan";
export { type InviteOptions, inviteSession } from "./invite-session";
export { inviteEvent, inviteMemberWrite } from "./invite-writes";
export { issueUserToken } from "./issue-user-token";
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
  acceptCall,
  declineCall,
  kickoutMember,
  leaveSession,
  reportBusy,
  reportOffline,
} from "./member-actions";
export {
  type MemberTransitionSpec,
  type TransitionOrigin,
  transitionMember,
} from "./member-transition";
export { pageSize, queryCollaborationsByUser } from "./query-collaborations-by-user";
export { fetchSessionEvents, webhookEvent } from "./session-events";
export { currentApp, signIn, WRONG_CREDENTIALS_MESSAGE } from "./sign-in";
export {
  assertSessionTarget,
  collaborationNotFound,
  type SessionTarget,
  type SessionTargetIds,
  sessionNotFound,
} from "./targets";
export {
  type CallingTimeoutSweepResult,
  DEFAULT_SWEEP_BATCH_SIZE,
  timeOutDueCalls,
} from "./time-out-due-calls";
export { MAX_UNIX_SECONDS, timeRange, unixSecondsToDate } from "./times";
export { TRANSACTION_OPTIONS } from "./transaction";
export { fetchUserCalls } from "./user-call-history";
export {
  listUserCalls,
  MAX_CURRENT_CALLS,
  MAX_MISSED_CALLS,
  MISSED_CALLS_WINDOW_MS,
  ringingCalls,
  userCallView,
} from "./user-calls";
export { getWebhook, listWebhookDeliveries, setWebhook } from "./webhook-settings";

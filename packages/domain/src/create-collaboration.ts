import {
  buildCreateResp,
  type CreateCollaborationRequest,
  type CreateResp,
  HiarError,
} from "@collab/contracts";
import {
  appendSessionEvents,
  insertCollaboration,
  insertSession,
  type NewSessionEvent,
  newId,
  upsertMembers,
} from "@collab/db";
import type { DomainContext } from "./context";
import { planCreateMembers } from "./create-plan";
import { EVENT_TYPES } from "./events";
import { timeRange } from "./times";
import { TRANSACTION_OPTIONS } from "./transaction";

/**
 * POST /create (docs/decisions.md, "/create"): a new collaboration (COLLABORATION_START, the
 * request's ruleSettings stored, numberLimit, confirmControl, callingTimeout and busyDetection
 * copied, begin/end time with 0 = unset) and its session (SESSION_SCHEDULE, starter = the creator, the
 * collaboration's times), with the creator and the listed members as MEMBER_UNSPECIFIED; the
 * event log gets "session.created" then one "member.added" per member (seq 1 … n+1). One
 * transaction whatever the number of members (statement counts: packages/domain/README.md, "Statements per use case").
 */
export async function createCollaboration(
  ctx: DomainContext,
  input: CreateCollaborationRequest,
): Promise<CreateResp> {
  const { begin, end } = timeRange(input.beginTime, input.endTime);
  const members = planCreateMembers(input);
  const appId = ctx.app.id;
  const collaborationId = newId();
  const sessionId = newId();

  await ctx.db.$transaction(async (tx) => {
    await insertCollaboration(tx, {
      id: collaborationId,
      appId,
      creatorId: input.userID,
      detail: input.detail,
      extra: input.extra,
      beginTime: begin,
      endTime: end,
      state: "COLLABORATION_START",
      ruleSettings: input.ruleSettings,
      numberLimit: input.ruleSettings.numberLimit,
      confirmControl: input.ruleSettings.confirmControl,
      callingTimeoutSeconds: input.ruleSettings.callingTimeout,
      busyDetection: input.ruleSettings.busyDetection ?? null,
    });
    await insertSession(tx, {
      id: sessionId,
      appId,
      collaborationId,
      state: "SESSION_SCHEDULE",
      starterId: input.userID,
      beginTime: begin,
      endTime: end,
      extra: "",
      recordState: "RECORD_STATE_UNSPECIFIED",
      tools: [],
    });
    const written = await upsertMembers(tx, {
      appId,
      sessionId,
      members: members.map((m) => ({
        userId: m.userID,
        confirmState: m.confirmState,
        memberSessionState: "MEMBER_UNSPECIFIED",
        medias: [],
        tools: [],
        roles: m.roles,
        deviceType: m.deviceType,
        seqId: 0,
        extra: "",
      })),
      invitedBy: null,
      // A new session has no members: nothing may be overwritten.
      overwriteStates: [],
    });
    if (written.length !== members.length) {
      throw new HiarError("INTERNAL", "a new session already had members", {
        details: { expected: members.length, written: written.length },
      });
    }
    await appendSessionEvents(tx, {
      appId,
      sessionId,
      events: [
        {
          type: EVENT_TYPES.sessionCreated,
          actorId: input.userID,
          subjectId: null,
          fromState: null,
          toState: null,
          traceId: ctx.trace.id,
          payload: { collaborationID: collaborationId, sessionID: sessionId },
        },
        ...members.map(
          (m): NewSessionEvent => ({
            type: EVENT_TYPES.memberAdded,
            actorId: input.userID,
            subjectId: m.userID,
            fromState: null,
            toState: "MEMBER_UNSPECIFIED",
            traceId: ctx.trace.id,
            payload: {
              collaborationID: collaborationId,
              member: {
                userID: m.userID,
                confirmState: m.confirmState,
                deviceType: m.deviceType,
                roles: m.roles,
              },
            },
          }),
        ),
      ],
    });
  }, TRANSACTION_OPTIONS);

  return buildCreateResp({ collaborationID: collaborationId, sessionID: sessionId });
}

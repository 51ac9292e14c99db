import {
  buildQueryByUserResp,
  type CollaborationInfoInit,
  type CollaborationStateName,
  LIMITS,
  type MemberInfoInit,
  type QueryByUserRequest,
  type QueryByUserResp,
  type RuleSettingsInput,
} from "@collab/contracts";
import { findCollaborationsOfMember, listSessionMembers, type MemberRow } from "@collab/db";
import type { DomainContext } from "./context";
import { timeRange } from "./times";

/** Collaboration states hidden unless `history` is true. */
const ENDED_STATES: readonly CollaborationStateName[] = ["COLLABORATION_END"];

/** The page size: 0 (or anything out of range, for callers that skip the contract) → 20, ≤ 100. */
export function pageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit <= 0) return LIMITS.queryLimitDefault;
  return Math.min(limit, LIMITS.queryLimitMax);
}

function memberInfo(m: MemberRow): MemberInfoInit {
  return {
    userID: m.userId,
    confirmState: m.confirmState,
    memberSessionState: m.memberSessionState,
    medias: m.medias,
    tools: m.tools,
    roles: m.roles,
    deviceType: m.deviceType,
    seqID: m.seqId,
    extra: m.extra,
  };
}

/**
 * POST /user/query (docs/decisions.md, "/user/query"): the caller app's collaborations whose session
 * has `userID` as a member, newest first (created_at DESC, id DESC), `offset` then `limit` of
 * them (0 → 20, at most 100). `history` false hides COLLABORATION_END. `beginTime`/`endTime`
 * (0 = unbounded) select the collaborations whose own [beginTime, endTime] overlaps the window,
 * ends included, an unset collaboration time counting as open on that side. Each comes with its
 * sessionInfo and its members map, in exact protojson. No transaction; as many statements
 * whatever the page size (packages/domain/README.md, "Statements per use case").
 */
export async function queryCollaborationsByUser(
  ctx: DomainContext,
  input: QueryByUserRequest,
): Promise<QueryByUserResp> {
  const { begin, end } = timeRange(input.beginTime, input.endTime);
  const appId = ctx.app.id;
  const collaborations = await findCollaborationsOfMember(ctx.db, {
    appId,
    userId: input.userID,
    windowBegin: begin,
    windowEnd: end,
    excludeStates: input.history ? [] : ENDED_STATES,
    limit: pageSize(input.limit),
    offset: Math.max(0, Math.trunc(input.offset)),
  });
  const members = await listSessionMembers(ctx.db, {
    appId,
    sessionIds: collaborations.map((c) => c.session.id),
  });
  const membersBySession = new Map<string, MemberInfoInit[]>();
  for (const m of members) {
    let list = membersBySession.get(m.sessionId);
    if (list === undefined) {
      list = [];
      membersBySession.set(m.sessionId, list);
    }
    list.push(memberInfo(m));
  }

  return buildQueryByUserResp(
    collaborations.map(
      (c): CollaborationInfoInit => ({
        collaborationID: c.id,
        state: c.state,
        sessionInfo: {
          sessionID: c.session.id,
          sessionState: c.session.state,
          beginTime: c.session.beginTime,
          endTime: c.session.endTime,
          tools: c.session.tools,
          starterID: c.session.starterId,
          extra: c.session.extra,
          recordState: c.session.recordState,
        },
        members: membersBySession.get(c.session.id) ?? [],
        userID: c.creatorId,
        detail: c.detail,
        extra: c.extra,
        beginTime: c.beginTime,
        endTime: c.endTime,
        ruleSettings: (c.ruleSettings ?? {}) as RuleSettingsInput,
      }),
    ),
  );
}

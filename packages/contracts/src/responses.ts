import * as z from "zod";
import {
  CLOSE_CONTROLS,
  COLLABORATION_STATES,
  CONFIRM_STATES,
  type CollaborationStateName,
  type ConfirmStateName,
  MEMBER_SESSION_STATES,
  type MemberSessionStateName,
  RECORD_STATES,
  type RecordStateName,
  RIGHTS,
  SESSION_STATES,
  type SessionStateName,
  STOP_CONTROLS,
} from "./enums";
import type { CollabTool } from "./member";
import {
  MAX_CALLING_TIMEOUT_SECONDS,
  type RuleSettingsInput,
  RuleSettings as RuleSettingsRequest,
} from "./rule-settings";
import { Int64String, int64ToString } from "./scalars";

// Response shapes exactly as protojson emits them with every field populated: enums as NAMES,
// int64 as decimal STRINGS, empty lists as [], unset enums as their zero name. These schemas are
// strict about values (a number where a name belongs fails) so they can check our own responses
// and generate OpenAPI; the builders below turn domain values into them.

const int32 = z.int32();
const int32s = z.array(int32);

export const CollabToolJson = z.object({ kind: int32, extra: z.string(), userID: z.string() });
export type CollabToolJson = z.output<typeof CollabToolJson>;

export const MemberInfoJson = z.object({
  userID: z.string(),
  confirmState: z.enum(CONFIRM_STATES),
  memberSessionState: z.enum(MEMBER_SESSION_STATES),
  medias: int32s,
  tools: z.array(CollabToolJson),
  roles: int32s,
  deviceType: int32,
  seqID: int32,
  extra: z.string(),
});
export type MemberInfoJson = z.output<typeof MemberInfoJson>;

export const RuleSettingsJson = z.object({
  stopControl: z.enum(STOP_CONTROLS),
  closeControl: z.enum(CLOSE_CONTROLS),
  numberLimit: int32,
  autoRecord: z.boolean(),
  isMuteIn: z.boolean(),
  isCameraOffIn: z.boolean(),
  confirmControl: z.boolean(),
  roleControl: z.boolean(),
  roleRights: z.array(z.object({ role: int32, rights: z.array(z.enum(RIGHTS)) })),
  mediaControl: z.object({
    audioLimit: int32,
    videoLimit: int32,
    audios: int32s,
    videos: int32s,
    mediaSet: int32s,
    mutex: z.array(z.object({ medias: int32s })),
  }),
  toolControl: z.object({
    toolSet: int32s,
    mutex: z.array(z.object({ tools: int32s })),
  }),
  /**
   * This project's extension (HiAR documents no such field): the collaboration's calling timeout
   * in seconds. Present only when the collaboration sets one, so a collaboration created without
   * it (every HiAR client's) answers exactly as HiAR documents.
   */
  callingTimeout: int32.min(1).max(MAX_CALLING_TIMEOUT_SECONDS).optional(),
  /**
   * This project's extension: the collaboration's busy detection, present only when it was
   * created with `busyDetection` (true or false); absent = the deployment's default applies.
   */
  busyDetection: z.boolean().optional(),
});
export type RuleSettingsJson = z.output<typeof RuleSettingsJson>;

export const SessionInfo = z.object({
  sessionID: z.string(),
  sessionState: z.enum(SESSION_STATES),
  beginTime: Int64String,
  endTime: Int64String,
  tools: z.array(CollabToolJson),
  starterID: z.string(),
  extra: z.string(),
  recordState: z.enum(RECORD_STATES),
});
export type SessionInfo = z.output<typeof SessionInfo>;

export const CollaborationInfo = z.object({
  collaborationID: z.string(),
  state: z.enum(COLLABORATION_STATES),
  sessionInfo: SessionInfo,
  /** Keyed by userID (an array in requests, a map in responses). */
  members: z.record(z.string(), MemberInfoJson),
  /** The creator. */
  userID: z.string(),
  detail: z.string(),
  extra: z.string(),
  beginTime: Int64String,
  endTime: Int64String,
  ruleSettings: RuleSettingsJson,
});
export type CollaborationInfo = z.output<typeof CollaborationInfo>;

export const QueryByUserResp = z.object({ infos: z.array(CollaborationInfo) });
export type QueryByUserResp = z.output<typeof QueryByUserResp>;

export const CreateResp = z.object({ collaborationID: z.string(), sessionID: z.string() });
export type CreateResp = z.output<typeof CreateResp>;

// --- Builders: domain values in, exact protojson out. null/undefined take the proto default, so
// a database row with nullable columns can be passed as is.

/** A time as the domain may hold it: unix seconds (number or bigint) or a Date. */
export type TimeValue = number | bigint | Date;

type Maybe<T> = T | null | undefined;

function time(value: Maybe<TimeValue>): string {
  if (value == null) return "0";
  return int64ToString(value instanceof Date ? Math.floor(value.getTime() / 1000) : value);
}

function tool(t: CollabTool): CollabToolJson {
  return { kind: t.kind, extra: t.extra, userID: t.userID };
}

export interface MemberInfoInit {
  userID: string;
  confirmState?: Maybe<ConfirmStateName>;
  memberSessionState?: Maybe<MemberSessionStateName>;
  medias?: Maybe<readonly number[]>;
  tools?: Maybe<readonly CollabTool[]>;
  roles?: Maybe<readonly number[]>;
  deviceType?: Maybe<number>;
  seqID?: Maybe<number>;
  extra?: Maybe<string>;
}

export function buildMemberInfo(m: MemberInfoInit): MemberInfoJson {
  return {
    userID: m.userID,
    confirmState: m.confirmState ?? "CONFIRM_UNSPECIFIED",
    memberSessionState: m.memberSessionState ?? "MEMBER_UNSPECIFIED",
    medias: [...(m.medias ?? [])],
    tools: (m.tools ?? []).map(tool),
    roles: [...(m.roles ?? [])],
    deviceType: m.deviceType ?? 0,
    seqID: m.seqID ?? 0,
    extra: m.extra ?? "",
  };
}

export interface SessionInfoInit {
  sessionID: string;
  sessionState?: Maybe<SessionStateName>;
  beginTime?: Maybe<TimeValue>;
  endTime?: Maybe<TimeValue>;
  tools?: Maybe<readonly CollabTool[]>;
  starterID?: Maybe<string>;
  extra?: Maybe<string>;
  recordState?: Maybe<RecordStateName>;
}

export function buildSessionInfo(s: SessionInfoInit): SessionInfo {
  return {
    sessionID: s.sessionID,
    sessionState: s.sessionState ?? "SESSION_UNSPECIFIED",
    beginTime: time(s.beginTime),
    endTime: time(s.endTime),
    tools: (s.tools ?? []).map(tool),
    starterID: s.starterID ?? "",
    extra: s.extra ?? "",
    recordState: s.recordState ?? "RECORD_STATE_UNSPECIFIED",
  };
}

/**
 * Full rule settings from whatever the domain stored (a parsed request, a partial, or nothing):
 * goes through the request schema, which fills every default and turns numbers into names. HiAR's
 * fields are always all present, in the doc's order; the extensions follow them only when set:
 * `callingTimeout` when not 0 (protojson leaves out an unset scalar), `busyDetection` when sent
 * (a field with presence).
 */
export function buildRuleSettings(r?: Maybe<RuleSettingsInput>): RuleSettingsJson {
  const { callingTimeout, busyDetection, ...hiar } = RuleSettingsRequest.parse(r ?? {});
  return {
    ...hiar,
    ...(callingTimeout === 0 ? {} : { callingTimeout }),
    ...(busyDetection === undefined ? {} : { busyDetection }),
  };
}

export interface CollaborationInfoInit {
  collaborationID: string;
  state?: Maybe<CollaborationStateName>;
  sessionInfo: SessionInfoInit;
  members?: Maybe<readonly MemberInfoInit[]>;
  /** The creator. */
  userID?: Maybe<string>;
  detail?: Maybe<string>;
  extra?: Maybe<string>;
  beginTime?: Maybe<TimeValue>;
  endTime?: Maybe<TimeValue>;
  ruleSettings?: Maybe<RuleSettingsInput>;
}

export function buildCollaborationInfo(c: CollaborationInfoInit): CollaborationInfo {
  return {
    collaborationID: c.collaborationID,
    state: c.state ?? "COLLABORATION_UNSPECIFIED",
    sessionInfo: buildSessionInfo(c.sessionInfo),
    // fromEntries defines own properties, so a userID like "__proto__" stays an ordinary key.
    members: Object.fromEntries((c.members ?? []).map((m) => [m.userID, buildMemberInfo(m)])),
    userID: c.userID ?? "",
    detail: c.detail ?? "",
    extra: c.extra ?? "",
    beginTime: time(c.beginTime),
    endTime: time(c.endTime),
    ruleSettings: buildRuleSettings(c.ruleSettings),
  };
}

export function buildQueryByUserResp(infos: readonly CollaborationInfoInit[]): QueryByUserResp {
  return { infos: infos.map(buildCollaborationInfo) };
}

export function buildCreateResp(ids: CreateResp): CreateResp {
  return { collaborationID: ids.collaborationID, sessionID: ids.sessionID };
}

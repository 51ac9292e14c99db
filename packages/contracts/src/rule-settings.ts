import * as z from "zod";
import { CloseControl, Right, StopControl } from "./enums";
import {
  Bool,
  BoolField,
  boundedInt32,
  Int32,
  Int32Field,
  message,
  repeated,
  withZero,
} from "./scalars";

// ruleSettings of POST /create. Only a mock request documents it; every field takes its proto
// default when absent, nested messages included. numberLimit and confirmControl are honoured.
// `callingTimeout` and `busyDetection` are this project's extensions (HiAR documents no such
// fields): HiAR clients never send them, and responses carry them only when a collaboration sets
// one (see buildRuleSettings).

/** Longest calling timeout, in seconds (a day), per collaboration and per deployment. */
export const MAX_CALLING_TIMEOUT_SECONDS = 86_400;

/**
 * ruleSettings.callingTimeout (extension): seconds a rung member may stay MEMBER_CALLING in this
 * collaboration's session, 1…86400; 0 (or absent) = the deployment's default.
 */
export const CallingTimeoutSeconds = boundedInt32(
  0,
  MAX_CALLING_TIMEOUT_SECONDS,
  `must be 0 (the deployment's default) or 1–${MAX_CALLING_TIMEOUT_SECONDS} seconds`,
);

export const RoleRight = message({
  role: Int32Field,
  rights: repeated(Right),
});

export const MediaMutex = message({ medias: repeated(Int32) });

export const MediaControl = message({
  audioLimit: Int32Field,
  videoLimit: Int32Field,
  audios: repeated(Int32),
  videos: repeated(Int32),
  mediaSet: repeated(Int32),
  mutex: repeated(MediaMutex),
});

export const ToolMutex = message({ tools: repeated(Int32) });

export const ToolControl = message({
  toolSet: repeated(Int32),
  mutex: repeated(ToolMutex),
});

export const RuleSettings = message({
  stopControl: withZero(StopControl, "STOP_ZERO"),
  closeControl: withZero(CloseControl, "CLOSE_UNSPECIFIED"),
  /** Participant cap; 0 means the collaboration sets none of its own. */
  numberLimit: withZero(
    Int32.refine((n) => n >= 0, { error: "must be ≥ 0 (0 = no limit of its own)" }),
    0,
  ),
  autoRecord: BoolField,
  isMuteIn: BoolField,
  isCameraOffIn: BoolField,
  /** Invitees must confirm. */
  confirmControl: BoolField,
  roleControl: BoolField,
  roleRights: repeated(RoleRight),
  mediaControl: withZero(MediaControl, {}),
  toolControl: withZero(ToolControl, {}),
  /** Extension: calling timeout in seconds; 0 = the deployment's default. */
  callingTimeout: withZero(CallingTimeoutSeconds, 0),
  /**
   * Extension: server-side busy detection (docs/decisions.md, "Busy detection"): an invitee
   * talking in another live session of the app is not rung but becomes MEMBER_BUSY. A field with
   * presence (proto3 `optional bool`): absent (or null) = the deployment's default
   * (HIAR_BUSY_DETECTION, off unless configured); true or false overrides it.
   */
  busyDetection: z.preprocess<unknown, z.ZodOptional<typeof Bool>, boolean | null | undefined>(
    (value: unknown) => (value === null ? undefined : value),
    Bool.optional(),
  ),
});
export type RuleSettings = z.output<typeof RuleSettings>;
export type RuleSettingsInput = z.input<typeof RuleSettings>;

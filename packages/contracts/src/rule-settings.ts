import type * as z from "zod";
import { CloseControl, Right, StopControl } from "./enums";
import { BoolField, Int32, Int32Field, message, repeated, withZero } from "./scalars";

// ruleSettings of POST /create. Only a mock request documents it; every field takes its proto
// default when absent, nested messages included. numberLimit and confirmControl are honoured.

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
});
export type RuleSettings = z.output<typeof RuleSettings>;
export type RuleSettingsInput = z.input<typeof RuleSettings>;

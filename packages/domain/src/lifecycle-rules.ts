import {
  HiarError,
  type MemberSessionStateName,
  RuleSettings,
  type RuleSettings as RuleSettingsType,
} from "@collab/contracts";

// The lifecycle's rules as pure functions (docs/state-machine.md, "Who may cause what"): the use
// cases feed them what they read under the session's lock.

/** NOT_FOUND for a user who is not a member of the session. */
export function memberNotFound(userID: string, field: string): HiarError {
  return new HiarError("NOT_FOUND", `${userID} is not a member of this session`, { field });
}

/** INVALID_STATE for a transition the state machine does not allow. */
export function refusedTransition(
  userID: string,
  from: MemberSessionStateName,
  to: MemberSessionStateName,
  field = "userID",
): HiarError {
  return new HiarError("INVALID_STATE", `member ${userID} is ${from}: cannot become ${to}`, {
    field,
    details: { from, to },
  });
}

/** The stored ruleSettings, parsed leniently; null when unusable (treated as no role control). */
export function storedRuleSettings(stored: unknown): RuleSettingsType | null {
  const parsed = RuleSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : null;
}

export interface KickRightInput {
  readonly userID: string;
  /** The kicker's member roles. */
  readonly roles: readonly number[];
  /** The collaboration's stored ruleSettings. */
  readonly ruleSettings: unknown;
  readonly starterID: string;
  readonly creatorID: string;
}

/**
 * Who may kick a member out: with `ruleSettings.roleControl`, a member holding a role whose
 * `roleRights` entry grants RIGHT_KICKOUT or RIGHT_ALL (and no one else: role control replaces
 * the default); without role control, the session's starter and the collaboration's creator.
 */
export function holdsKickRight(input: KickRightInput): boolean {
  const rules = storedRuleSettings(input.ruleSettings);
  if (rules?.roleControl) {
    const granted = new Set(
      rules.roleRights
        .filter((r) => r.rights.includes("RIGHT_KICKOUT") || r.rights.includes("RIGHT_ALL"))
        .map((r) => r.role),
    );
    return input.roles.some((role) => granted.has(role));
  }
  return input.userID === input.starterID || input.userID === input.creatorID;
}

/** Who may end a session: its starter or its collaboration's creator. */
export function mayEndSession(input: {
  readonly userID: string;
  readonly starterID: string;
  readonly creatorID: string;
}): boolean {
  return input.userID === input.starterID || input.userID === input.creatorID;
}

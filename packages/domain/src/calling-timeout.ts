// How long a rung member may stay MEMBER_CALLING before the server marks it MEMBER_TIMEOUT.
import { MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";

/** Upper bound of a timeout (a day), per deployment and per collaboration: longer is a mistake. */
export { MAX_CALLING_TIMEOUT_SECONDS };

/**
 * The timeout of a ring (docs/decisions.md, "The calling timeout"): the invite's own
 * (`callingTimeout` on /session/invite, this project's extension) when it sets one (> 0), else
 * the collaboration's (`ruleSettings.callingTimeout`, stored in whole seconds) when it sets one,
 * else the deployment's (`ctx.settings.callingTimeoutSeconds`: HIAR_CALLING_TIMEOUT_SECONDS,
 * default 60).
 */
export function effectiveCallingTimeoutSeconds(
  collaborationSeconds: number,
  deploymentSeconds: number,
  inviteSeconds = 0,
): number {
  if (inviteSeconds > 0) return inviteSeconds;
  return collaborationSeconds > 0 ? collaborationSeconds : deploymentSeconds;
}

// How long a rung member may stay MEMBER_CALLING before the server marks it MEMBER_TIMEOUT.
import { MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";

/** Upper bound of a timeout (a day), per deployment and per collaboration: longer is a mistake. */
export { MAX_CALLING_TIMEOUT_SECONDS };

/**
 * The timeout of a ring: the collaboration's own (`ruleSettings.callingTimeout`, this project's
 * extension, stored in whole seconds) when it sets one (> 0), else the deployment's
 * (`ctx.settings.callingTimeoutSeconds`: HIAR_CALLING_TIMEOUT_SECONDS, default 60).
 */
export function effectiveCallingTimeoutSeconds(
  collaborationSeconds: number,
  deploymentSeconds: number,
): number {
  return collaborationSeconds > 0 ? collaborationSeconds : deploymentSeconds;
}

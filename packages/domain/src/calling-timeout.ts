// How long a rung member may stay MEMBER_CALLING before the server marks it MEMBER_TIMEOUT.
import { MAX_CALLING_TIMEOUT_SECONDS } from "@collab/contracts";

/** Upper bound of a timeout (a day), per deployment and per collaboration: longer is a mistake. */
export { MAX_CALLING_TIMEOUT_SECONDS };

/** product.md: a rung member who does not answer within 60 s becomes MEMBER_TIMEOUT. */
export const DEFAULT_CALLING_TIMEOUT_SECONDS = 60;

/**
 * The deployment's calling timeout: HIAR_CALLING_TIMEOUT_SECONDS (a positive number of seconds,
 * fractions allowed, at most a day), else 60. Throws on a malformed value, so a server or worker
 * that validates it at start fails fast instead of refusing every invite.
 */
export function callingTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HIAR_CALLING_TIMEOUT_SECONDS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_CALLING_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_CALLING_TIMEOUT_SECONDS) {
    throw new Error(
      `HIAR_CALLING_TIMEOUT_SECONDS must be a number of seconds in (0, ${MAX_CALLING_TIMEOUT_SECONDS}], ` +
        `got ${JSON.stringify(raw)}`,
    );
  }
  return seconds;
}

/**
 * The timeout of a ring: the collaboration's own (`ruleSettings.callingTimeout`, this project's
 * extension, stored in whole seconds) when it sets one (> 0), else the deployment's.
 */
export function effectiveCallingTimeoutSeconds(
  collaborationSeconds: number,
  deploymentSeconds: number,
): number {
  return collaborationSeconds > 0 ? collaborationSeconds : deploymentSeconds;
}

import { currentSettings } from "@collab/settings";

/**
 * The deployment's calling timeout, read from the environment as the project's server reads it
 * (HIAR_CALLING_TIMEOUT_SECONDS, through @collab/settings; it throws on a malformed value).
 */
export const callingTimeoutSeconds = (): number => currentSettings().calls.callingTimeoutSeconds;

/** The deployment's busy detection default (HIAR_BUSY_DETECTION), read the same way. */
export const busyDetection = (): boolean => currentSettings().calls.busyDetection;

// What the baseline takes from the project itself: the invite's and authentication's SQL (the
// repository functions, run through ./pg-executor instead of Prisma), the app-secret cache, the
// invite's rules and the REST body reader. Imported from their source files, not from the
// packages' entries: @collab/db's and @collab/domain's entries load the Prisma client, which the
// baseline exists to leave out. These files import Prisma's types only (erased at run time);
// statements.integration-test.ts proves the baseline sends, statement for statement, what the
// project sends through Prisma, and writes the same rows.

export {
  type AppSecretCache,
  createAppSecretCache,
} from "../../../../packages/db/src/app-secret-cache";
export { acceptedSecrets } from "../../../../packages/db/src/repositories/apps";
export type { DbExecutor } from "../../../../packages/db/src/repositories/executor";
export {
  type MemberWrite,
  readInviteSnapshot,
  writeInviteIfUnchanged,
} from "../../../../packages/db/src/repositories/members";
export { consumeNonce } from "../../../../packages/db/src/repositories/nonces";
export { lockSession } from "../../../../packages/db/src/repositories/sessions";
export { useAppSecretKeys } from "../../../../packages/db/src/secret-box";
export { effectiveCallingTimeoutSeconds } from "../../../../packages/domain/src/calling-timeout";
export { isStoredId } from "../../../../packages/domain/src/ids";
export {
  assertInviteRequest,
  planInvite,
  type TalkingElsewhere,
} from "../../../../packages/domain/src/invite-plan";
export { inviteEvent, inviteMemberWrite } from "../../../../packages/domain/src/invite-writes";
export {
  assertSessionTarget,
  collaborationNotFound,
  sessionNotFound,
} from "../../../../packages/domain/src/targets";
export {
  assertJsonContentType,
  parseJsonBody,
  readBodyCapped,
} from "../../../web/src/server/rest/read-body";

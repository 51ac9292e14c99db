import {
  HiarError,
  int64ToString,
  USER_TOKEN_DEFAULT_TTL_SECONDS,
  type UserTokenRequest,
  type UserTokenResp,
} from "@collab/contracts";
import { findAppSecret } from "@collab/db";
import { createUserToken } from "@collab/user-token";
import type { DomainContext } from "./context";

/**
 * POST /user/token: a token for one of the app's users (docs/hiar-api.md, "User tokens"), signed
 * with the app's current secret. One statement (the secret). The user need not be a member of
 * anything yet: a device may connect before its first ring. The token is never logged.
 */
export async function issueUserToken(
  ctx: DomainContext,
  input: UserTokenRequest,
  now: Date = new Date(),
): Promise<UserTokenResp> {
  const secret = await findAppSecret(ctx.db, ctx.app.id);
  // The request was authenticated with this app's secret a moment ago: only a concurrent
  // deletion of the app gets here.
  if (secret === null) throw new HiarError("UNAUTHENTICATED", "the app no longer exists");
  const ttlSeconds = input.ttlSeconds === 0 ? USER_TOKEN_DEFAULT_TTL_SECONDS : input.ttlSeconds;
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await createUserToken({
    appId: ctx.app.id,
    secret,
    userID: input.userID,
    ...(input.deviceID === "" ? {} : { deviceID: input.deviceID }),
    ttlSeconds,
    now: new Date(issuedAt * 1000),
  });
  return { token, expireTime: int64ToString(issuedAt + ttlSeconds) };
}

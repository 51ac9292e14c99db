import * as z from "zod";
import { successEnvelopeSchema, TYPE_URLS } from "./envelope";
import { boundedInt32, IdField, Int64String, message, OptionalIdField, withZero } from "./scalars";

// POST /user/token: this project's extension (docs/hiar-api.md, "User tokens"). A signed app
// server obtains a token for one of its users, the same token @collab/sdk's createUserToken mints
// locally, for servers not written in TypeScript.

/** The longest lifetime of a user token, 24 h (also enforced when a token is verified). */
export const USER_TOKEN_MAX_TTL_SECONDS = 86_400;
/** The lifetime when the request sets none (0 or absent): one hour. */
export const USER_TOKEN_DEFAULT_TTL_SECONDS = 3_600;

export const UserTokenRequest = message({
  /** The user the token authenticates (the token acts only as this user). */
  userID: IdField,
  /** The device the token is for (optional, "" = none): reported in the events it causes. */
  deviceID: OptionalIdField,
  /** Lifetime in seconds, 1 … 86,400; 0 or absent: 3,600. */
  ttlSeconds: withZero(
    boundedInt32(
      0,
      USER_TOKEN_MAX_TTL_SECONDS,
      `must be 0 (default ${USER_TOKEN_DEFAULT_TTL_SECONDS}) to ${USER_TOKEN_MAX_TTL_SECONDS} seconds`,
    ),
    0,
  ),
});
export type UserTokenRequest = z.output<typeof UserTokenRequest>;
export type UserTokenRequestInput = z.input<typeof UserTokenRequest>;

/** The token and its expiry, as the envelope's `data`. */
export const UserTokenResp = z.object({
  /** The JWT; send it as `Authorization: Bearer <token>`. */
  token: z.string(),
  /** When it expires, unix seconds (int64, as protojson writes it: a decimal string). */
  expireTime: Int64String,
});
export type UserTokenResp = z.output<typeof UserTokenResp>;

export const UserTokenRespAny = UserTokenResp.extend({
  "@type": z.literal(TYPE_URLS.UserTokenResp),
});
export type UserTokenRespAny = z.output<typeof UserTokenRespAny>;

export function userTokenRespAny(resp: UserTokenResp): UserTokenRespAny {
  return { "@type": TYPE_URLS.UserTokenResp, ...resp };
}

export const UserTokenResponse = successEnvelopeSchema(UserTokenRespAny);

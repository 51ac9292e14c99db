// @collab/user-token: end-user tokens (JWT, HS256 under the app's secret), minted by an app's
// server (or POST /user/token) and verified by the user procedures and the live channel.

export {
  type CreateUserTokenInput,
  createUserToken,
  DEVICE_ID_CLAIM,
  USER_TOKEN_CLOCK_TOLERANCE_SECONDS,
  USER_TOKEN_MAX_LENGTH,
  USER_TOKEN_MAX_TTL_SECONDS,
  type UserTokenClaims,
  type UserTokenRefusal,
  type VerifyUserTokenOptions,
  type VerifyUserTokenResult,
  verifyUserToken,
} from "./user-token";

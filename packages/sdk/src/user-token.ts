// User tokens, minted locally (no round trip): what a device sends as `Authorization: Bearer …`
// to the user procedures and the user channel. Same token as POST /user/token
// (client.issueUserToken) returns. See docs/hiar-api.md, "User tokens".

export {
  type CreateUserTokenInput,
  createUserToken,
  USER_TOKEN_MAX_TTL_SECONDS,
} from "@collab/user-token";

// @collab/contracts: every wire shape of the HiAR-compatible API, as zod schemas and TS types.

export * from "./app";
export * from "./app-secret";
export * from "./cancel";
export * from "./console";
export * from "./create";
export * from "./enums";
export * from "./envelope";
export * from "./error-catalogue";
export * from "./hiar-error";
export * from "./invite";
export * from "./lifecycle";
export * from "./limits";
export * from "./member";
export * from "./member-state";
export * from "./operations";
export * from "./query-by-user";
export * from "./reason";
export * from "./responses";
export * from "./rule-settings";
export * from "./scalars";
export * from "./session-events";
export * from "./user-call-history";
export * from "./user-channel";
export * from "./user-token";
export * from "./validation";
export * from "./webhook";

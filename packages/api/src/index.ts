export {
  type AppContext,
  type AppIdentity,
  createInnerContext,
  type InnerContext,
} from "./context";
export { toHiarError, toTRPCError } from "./errors";
export { type AppRouter, appRouter, type Caller, createCaller } from "./root";

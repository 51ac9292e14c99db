import { handleTrpcRequest } from "@/server/trpc-endpoint";

// The console's typed endpoint, /api/trpc (src/server/trpc-endpoint.ts). The user channel's
// streams (user.onEvent) are answered by the server entry with the same handler, not here.

// Every method reaches tRPC, so a wrong one gets the same error shape as any other mistake.
export {
  handleTrpcRequest as DELETE,
  handleTrpcRequest as GET,
  handleTrpcRequest as PATCH,
  handleTrpcRequest as POST,
  handleTrpcRequest as PUT,
};

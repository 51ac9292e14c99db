import { hiarRoute } from "@/server/rest/hiar-route";
import { acceptCall } from "@/server/rest/operations";

export const POST = hiarRoute(acceptCall, { prefixed: true });

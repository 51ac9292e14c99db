import { hiarRoute } from "@/server/rest/hiar-route";
import { endSession } from "@/server/rest/operations";

export const POST = hiarRoute(endSession, { prefixed: true });

import { hiarRoute } from "@/server/rest/hiar-route";
import { leaveSession } from "@/server/rest/operations";

export const POST = hiarRoute(leaveSession, { prefixed: true });

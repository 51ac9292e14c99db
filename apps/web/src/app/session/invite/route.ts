import { hiarRoute } from "@/server/rest/hiar-route";
import { inviteSession } from "@/server/rest/operations";

export const POST = hiarRoute(inviteSession);

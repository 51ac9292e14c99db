import { hiarRoute } from "@/server/rest/hiar-route";
import { kickoutMember } from "@/server/rest/operations";

export const POST = hiarRoute(kickoutMember);

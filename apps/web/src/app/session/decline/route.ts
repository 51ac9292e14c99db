import { hiarRoute } from "@/server/rest/hiar-route";
import { declineCall } from "@/server/rest/operations";

export const POST = hiarRoute(declineCall);

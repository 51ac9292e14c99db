import { hiarRoute } from "@/server/rest/hiar-route";
import { reportOffline } from "@/server/rest/operations";

export const POST = hiarRoute(reportOffline);

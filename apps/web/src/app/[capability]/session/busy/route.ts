import { hiarRoute } from "@/server/rest/hiar-route";
import { reportBusy } from "@/server/rest/operations";

export const POST = hiarRoute(reportBusy, { prefixed: true });

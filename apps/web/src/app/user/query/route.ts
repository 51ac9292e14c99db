import { hiarRoute } from "@/server/rest/hiar-route";
import { queryCollaborationsByUser } from "@/server/rest/operations";

export const POST = hiarRoute(queryCollaborationsByUser);

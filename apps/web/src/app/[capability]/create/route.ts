import { hiarRoute } from "@/server/rest/hiar-route";
import { createCollaboration } from "@/server/rest/operations";

export const POST = hiarRoute(createCollaboration, { prefixed: true });

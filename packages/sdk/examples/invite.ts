// Creates a collaboration and rings two members into its session, then lists what bob sees.
//
//   pnpm app:create --name Demo          # prints an APPID and a secret (stop `pnpm dev` first)
//   pnpm dev                             # http://localhost:3000
//   HIAR_APP_ID=… HIAR_APP_SECRET=… pnpm --filter @collab/sdk example
//
// HIAR_BASE_URL changes the server (default http://localhost:3000).

import { createHiarClient, HiarApiError, HiarTransportError } from "@collab/sdk";

const appId = process.env.HIAR_APP_ID;
const secret = process.env.HIAR_APP_SECRET;
if (!appId || !secret) {
  console.error("Set HIAR_APP_ID and HIAR_APP_SECRET (`pnpm app:create --name Demo` prints them).");
  process.exit(2);
}

const hiar = createHiarClient({
  baseUrl: process.env.HIAR_BASE_URL ?? "http://localhost:3000",
  appId,
  secret,
});

try {
  const { collaborationID, sessionID } = await hiar.createCollaboration({
    userID: "alice",
    detail: "SDK example",
  });
  console.log(`created collaboration ${collaborationID}, session ${sessionID}`);

  await hiar.inviteSession({
    collaborationID,
    sessionID,
    userID: "alice",
    members: [{ userID: "bob" }, { userID: "carol", memberSessionState: "MEMBER_CALLING" }],
  });
  console.log("invited bob and carol");

  const { infos } = await hiar.queryCollaborationsByUser({ userID: "bob", limit: 1 });
  const members = infos[0]?.members ?? {};
  for (const member of Object.values(members)) {
    console.log(`  ${member.userID}: ${member.memberSessionState}`);
  }
} catch (error) {
  if (error instanceof HiarApiError) {
    // The API said no: the envelope's reason and message, and the trace id to quote.
    console.error(`${error.reason} (${error.code}, HTTP ${error.httpStatus}): ${error.message}`);
    console.error(`trace ${error.traceId}, after ${error.attempts} attempt(s)`);
  } else if (error instanceof HiarTransportError) {
    console.error(`no usable answer (${error.kind}): ${error.message}; trace ${error.traceId}`);
  } else {
    throw error;
  }
  process.exit(1);
}

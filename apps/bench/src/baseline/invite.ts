import {
  buildMemberInfo,
  HiarError,
  type InviteSessionRequest,
  type MemberSessionStateName,
  memberLimitFor,
} from "@collab/contracts";
import type pg from "pg";
import {
  APPEND_EVENTS,
  LOCK_SESSION,
  type NamedStatement,
  READ_MEMBER_STATES,
  SCHEDULE_TIMEOUTS,
  UPSERT_MEMBERS,
} from "./sql";

// The invite of product.md as straight SQL in one transaction: lock the session row, check the
// target, the inviter and the limit, upsert the rung members, append their events, queue their
// calling timeouts (when the deployment has the job queue, as the project's invite does).

const STORED_ID = /^[0-9a-f]{32}$/;
const LIVE: ReadonlySet<string> = new Set(["MEMBER_CALLING", "MEMBER_TALKING"]);

interface LockRow {
  collaboration_id: string | null;
  collaboration_state: string | null;
  number_limit: number | null;
  session_id: string | null;
  session_state: string | null;
}

interface StateRow {
  user_id: string | null;
  state: MemberSessionStateName | null;
  live: number;
}

function run<R extends pg.QueryResultRow>(
  client: pg.PoolClient,
  statement: NamedStatement,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: statement.name, text: statement.text, values });
}

function intArray(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

/** What the baseline's invite runs against. */
export interface InviteEnv {
  readonly pool: pg.Pool;
  /** Seconds until a rung member's calling timeout; null when no job queue is installed. */
  readonly callingTimeoutSeconds: number | null;
}

export async function invite(
  env: InviteEnv,
  appId: string,
  input: InviteSessionRequest,
  traceId: string,
): Promise<void> {
  const { collaborationID, sessionID, userID } = input;
  if (!STORED_ID.test(collaborationID)) throw new HiarError("NOT_FOUND", "collaboration not found");
  if (!STORED_ID.test(sessionID)) throw new HiarError("NOT_FOUND", "session not found");

  const client = await env.pool.connect();
  let failed = true;
  try {
    await client.query("BEGIN");
    const target = (await run<LockRow>(client, LOCK_SESSION, [appId, collaborationID, sessionID]))
      .rows[0];
    if (target?.collaboration_id == null)
      throw new HiarError("NOT_FOUND", "collaboration not found");
    if (target.session_id === null) throw new HiarError("NOT_FOUND", "session not found");
    if (
      target.session_state === "SESSION_END" ||
      target.collaboration_state === "COLLABORATION_END"
    ) {
      throw new HiarError("INVALID_STATE", "session has ended");
    }

    const userIds = [userID, ...input.members.map((m) => m.userID)];
    const snapshot = (await run<StateRow>(client, READ_MEMBER_STATES, [appId, sessionID, userIds]))
      .rows;
    const states = new Map<string, MemberSessionStateName>();
    for (const row of snapshot)
      if (row.user_id !== null && row.state !== null) states.set(row.user_id, row.state);
    const inviterState = states.get(userID);
    if (inviterState === undefined || inviterState === "MEMBER_KICKOUT") {
      throw new HiarError("PERMISSION_DENIED", `inviter ${userID} may not invite`);
    }

    const changes = input.members.filter((m) => !LIVE.has(states.get(m.userID) ?? ""));
    const live = snapshot[0]?.live ?? 0;
    if (changes.length > 0 && live + changes.length > memberLimitFor(target.number_limit ?? 0)) {
      throw new HiarError("MEMBER_LIMIT_EXCEEDED");
    }
    if (changes.length > 0) {
      const written = await run(client, UPSERT_MEMBERS, [
        appId,
        sessionID,
        userID,
        changes.map((m) => m.userID),
        changes.map((m) => m.confirmState),
        changes.map((m) => intArray(m.medias)),
        changes.map((m) => JSON.stringify(m.tools)),
        changes.map((m) => intArray(m.roles)),
        changes.map((m) => m.deviceType),
        changes.map((m) => m.seqID),
        changes.map((m) => m.extra),
      ]);
      if (written.rowCount !== changes.length) {
        throw new HiarError("INVALID_STATE", "members changed concurrently; retry the invite");
      }
      await run(client, APPEND_EVENTS, [
        appId,
        sessionID,
        changes.length,
        changes.map((m) => (states.has(m.userID) ? "member.rung_again" : "member.invited")),
        changes.map(() => userID),
        changes.map((m) => m.userID),
        changes.map((m) => states.get(m.userID) ?? null),
        changes.map(() => traceId),
        changes.map((m) =>
          JSON.stringify({
            collaborationID,
            outcome: states.has(m.userID) ? "rung_again" : "added",
            member: buildMemberInfo(m),
          }),
        ),
      ]);
      if (env.callingTimeoutSeconds !== null) {
        await run(client, SCHEDULE_TIMEOUTS, [
          appId,
          sessionID,
          changes.map((m) => m.userID),
          env.callingTimeoutSeconds,
        ]);
      }
    }
    await client.query("COMMIT");
    failed = false;
  } finally {
    if (failed) await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}

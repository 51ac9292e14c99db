import type { RecordState, SessionState } from "../generated/prisma/client";
import type { DbExecutor } from "./executor";

export interface NewSession {
  readonly id: string;
  readonly appId: string;
  readonly collaborationId: string;
  readonly state: SessionState;
  readonly starterId: string;
  readonly beginTime: Date | null;
  readonly endTime: Date | null;
  readonly extra: string;
  readonly recordState: RecordState;
  /** Collaboration tools (protojson array), stored as jsonb. */
  readonly tools: readonly unknown[];
}

/** ONE statement: inserts a session (event_seq 0). Its collaboration must exist in the same app. */
export async function insertSession(db: DbExecutor, session: NewSession): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "session" ("id", "app_id", "collaboration_id", "state", "starter_id", "begin_time",
                           "end_time", "extra", "record_state", "tools", "event_seq",
                           "created_at", "updated_at")
    VALUES (${session.id}, ${session.appId}, ${session.collaborationId},
            ${session.state}::"session_state", ${session.starterId},
            ${session.beginTime}::timestamptz, ${session.endTime}::timestamptz, ${session.extra},
            ${session.recordState}::"record_state", ${JSON.stringify(session.tools)}::jsonb, 0,
            now(), now())`;
}

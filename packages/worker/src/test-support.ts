// Fixtures shared by the worker's integration tests (not part of the package's API).
import {
  CreateCollaborationRequest,
  InviteSessionRequest,
  MemberActionRequest,
} from "@collab/contracts";
import { createApp, type Database } from "@collab/db";
import {
  acceptCall,
  createCollaboration,
  type DomainContext,
  type DomainSettings,
  type InviteOptions,
  inviteSession,
} from "@collab/domain";

let counter = 0;

export function uid(prefix = "u"): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The deployment settings of the tests' contexts: the production defaults. */
export const TEST_SETTINGS: DomainSettings = Object.freeze({
  callingTimeoutSeconds: 60,
  webhooksAllowPrivateNetworks: false,
});

export async function appContext(
  db: Database,
  options: { webhookUrl?: string; settings?: Partial<DomainSettings> } = {},
): Promise<{ ctx: DomainContext; secret: string }> {
  // The tests' receivers listen on 127.0.0.1.
  const app = await createApp(db, {
    name: "worker tests",
    webhookUrl: options.webhookUrl,
    allowPrivateNetworks: true,
  });
  return {
    ctx: {
      app: { id: app.id },
      db,
      trace: { id: uid("trace") },
      settings: { ...TEST_SETTINGS, ...options.settings },
    },
    secret: app.secret,
  };
}

export interface Session {
  readonly collaborationID: string;
  readonly sessionID: string;
  readonly creator: string;
}

export async function newSession(ctx: DomainContext): Promise<Session> {
  const creator = uid("creator");
  const ids = await createCollaboration(ctx, CreateCollaborationRequest.parse({ userID: creator }));
  return { ...ids, creator };
}

export async function ring(
  ctx: DomainContext,
  s: Session,
  members: readonly string[],
  options: InviteOptions,
): Promise<void> {
  await inviteSession(
    ctx,
    InviteSessionRequest.parse({
      collaborationID: s.collaborationID,
      sessionID: s.sessionID,
      userID: s.creator,
      members: members.map((userID) => ({ userID })),
    }),
    options,
  );
}

export function accept(ctx: DomainContext, s: Session, userID: string) {
  return acceptCall(
    ctx,
    MemberActionRequest.parse({
      collaborationID: s.collaborationID,
      sessionID: s.sessionID,
      userID,
    }),
  );
}

export async function stateOf(db: Database, s: Session, userID: string) {
  const row = await db.sessionMember.findUniqueOrThrow({
    where: { sessionId_userId: { sessionId: s.sessionID, userId: userID } },
  });
  return row.memberSessionState;
}

export async function eventsOf(db: Database, s: Session) {
  return db.sessionEvent.findMany({ where: { sessionId: s.sessionID }, orderBy: { seq: "asc" } });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A wait's limit is this many times what the condition needs on a quiet machine: the suite also
 * runs beside other work on 2 CPUs. A passing wait ends as soon as its condition holds, so only a
 * failing one pays for the margin.
 */
const BUSY_MACHINE_FACTOR = 5;

/**
 * Polls `check` until it returns true or the limit passes (`timeoutMs` on a quiet machine, times
 * BUSY_MACHINE_FACTOR); resolves to the last answer.
 */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs * BUSY_MACHINE_FACTOR;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

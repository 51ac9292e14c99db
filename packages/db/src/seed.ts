import type { PrismaClient } from "./generated/prisma/client";
import { appSecretBox } from "./secret-box";

/**
 * The demo tenant created by `pnpm db:seed`. Its APPID and secret are those of the signing
 * example in HiAR's API access guide, so the documented example can be replayed against a local
 * server; the ids are those of HiAR's /user/query example. Development data only: the seed refuses
 * to run when NODE_ENV=production.
 */
export const DEMO = {
  appId: "hiar1d98ncv515f5e1",
  secret: "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1",
  appName: "Demo app (development only)",
  collaborationId: "f1fe8ecdc0a3481a8cb84bee63204965",
  sessionId: "c3d6cd1519e54ed0a64741b4bed83ac2",
  creatorId: "user01",
  memberIds: ["user01", "user02", "user03"],
  numberLimit: 10,
} as const;

export class SeedRefusedError extends Error {
  override readonly name = "SeedRefusedError";
}

/** The seed writes well-known credentials: never into a production database (NODE_ENV). */
export function assertSeedAllowed(nodeEnv: string | undefined): void {
  if (nodeEnv === "production") {
    throw new SeedRefusedError(
      "Refusing to seed: NODE_ENV is production. The demo app has publicly known credentials.",
    );
  }
}

/**
 * Creates the demo app, a collaboration with its session, and three members. Idempotent: the app's
 * name and secret are reset to the documented values; the collaboration, session and members are
 * created when missing and otherwise left as they are (so demo activity survives a re-seed).
 */
export async function seedDemo(
  prisma: PrismaClient,
  nodeEnv: string | undefined,
): Promise<typeof DEMO> {
  assertSeedAllowed(nodeEnv);
  const appId = DEMO.appId;
  // Stored under APP_SECRET_ENCRYPTION_KEY when set, like every other app's.
  const secret = appSecretBox().seal(appId, DEMO.secret);
  await prisma.$transaction([
    prisma.app.upsert({
      where: { id: appId },
      create: { id: appId, name: DEMO.appName, secret },
      update: { name: DEMO.appName, secret, previousSecret: null, previousSecretExpiresAt: null },
    }),
    prisma.collaboration.upsert({
      where: { id: DEMO.collaborationId },
      create: {
        id: DEMO.collaborationId,
        appId,
        creatorId: DEMO.creatorId,
        detail: "Demo collaboration",
        extra: "",
        beginTime: new Date(1688180400 * 1000),
        endTime: new Date(1688184000 * 1000),
        state: "COLLABORATION_START",
        ruleSettings: { numberLimit: DEMO.numberLimit, confirmControl: false },
        numberLimit: DEMO.numberLimit,
        confirmControl: false,
      },
      update: {},
    }),
    prisma.session.upsert({
      where: { id: DEMO.sessionId },
      create: {
        id: DEMO.sessionId,
        appId,
        collaborationId: DEMO.collaborationId,
        state: "SESSION_SCHEDULE",
        beginTime: new Date(1688180400 * 1000),
        endTime: new Date(1688184000 * 1000),
        extra: "media configs",
      },
      update: {},
    }),
    ...DEMO.memberIds.map((userId) =>
      prisma.sessionMember.upsert({
        where: { sessionId_userId: { sessionId: DEMO.sessionId, userId } },
        create: {
          appId,
          sessionId: DEMO.sessionId,
          userId,
          confirmState: userId === DEMO.creatorId ? "CONFIRM_ACCEPT" : "CONFIRM_UNSPECIFIED",
          memberSessionState: "MEMBER_UNSPECIFIED",
          roles: userId === DEMO.creatorId ? [1] : [],
        },
        update: {},
      }),
    ),
  ]);
  return DEMO;
}

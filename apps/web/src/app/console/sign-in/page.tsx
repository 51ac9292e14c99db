import { DEMO } from "@collab/db";
import { currentSettings } from "@collab/settings";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { type DemoCredentials, SignInForm } from "@/console/sign-in-form";
import { consoleSessionProblem } from "@/server/console-session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("signIn") };
}

/** Where to go after signing in: only a console path (never another site). */
function safeNext(value: string | string[] | undefined): string {
  const next = Array.isArray(value) ? value[0] : value;
  if (next === undefined || !/^\/console(\/[\w-]+)*\/?(\?[\w=&-]*)?$/.test(next)) return "/console";
  return next.startsWith("/console/sign-in") ? "/console" : next;
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  const settings = currentSettings();
  // The seeded demo app's credentials are public (HiAR's signing example): offered only in
  // development, where `pnpm db:seed` creates it.
  const demo: DemoCredentials | null = settings.server.development
    ? { appId: DEMO.appId, secret: DEMO.secret }
    : null;
  // Without a cookie-signing key the server refuses every sign-in: say so before anyone tries.
  return (
    <SignInForm demo={demo} next={safeNext(next)} disabled={consoleSessionProblem(settings)} />
  );
}

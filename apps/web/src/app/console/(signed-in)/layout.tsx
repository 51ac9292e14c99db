import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleShell } from "@/console/shell";
import { signedInAppId } from "@/server/console-session";

/**
 * Every console page but sign-in needs a live session (a valid cookie whose session was not
 * revoked): without one, go and sign in. (The procedures check it again on every call; this only
 * saves a flash of an empty page.)
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  if ((await signedInAppId((await headers()).get("cookie"))) === null) redirect("/console/sign-in");
  return <ConsoleShell>{children}</ConsoleShell>;
}

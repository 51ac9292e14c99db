import type { Metadata } from "next";
import { SessionPage } from "@/console/session-page";

export const metadata: Metadata = { title: "Session" };

export default async function Page({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  // key: a new session id starts a fresh page (timeline, live stream, form).
  return <SessionPage key={sessionId} sessionId={sessionId} />;
}

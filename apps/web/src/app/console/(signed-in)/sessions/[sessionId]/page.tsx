import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SessionPage } from "@/console/session-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("session") };
}

export default async function Page({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  // key: a new session id starts a fresh page (timeline, live stream, form).
  return <SessionPage key={sessionId} sessionId={sessionId} />;
}

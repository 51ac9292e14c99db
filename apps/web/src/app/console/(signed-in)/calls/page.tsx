import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { MissedCallsPage } from "@/console/missed-calls-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("calls") };
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // Ignore what could never match (the procedure would refuse it): the empty search instead.
  const user = first(params.user);
  const cursor = first(params.cursor);
  return (
    <MissedCallsPage
      user={user !== "" && [...user].length <= 64 ? user : null}
      cursor={/^\d{1,15}\.[0-9a-f]{32}$/.test(cursor) ? cursor : null}
    />
  );
}

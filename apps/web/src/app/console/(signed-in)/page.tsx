import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CollaborationsPage } from "@/console/collaborations-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("collaborations") };
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { page } = await searchParams;
  const n = Number.parseInt(Array.isArray(page) ? (page[0] ?? "") : (page ?? ""), 10);
  return <CollaborationsPage page={Number.isInteger(n) && n > 0 ? n : 1} />;
}

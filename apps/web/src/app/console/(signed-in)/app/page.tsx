import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AppPage } from "@/console/app-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("app") };
}

export default function Page() {
  return <AppPage />;
}

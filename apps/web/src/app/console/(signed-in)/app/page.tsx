import { currentSettings } from "@collab/settings";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AppPage } from "@/console/app-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("app") };
}

export default function Page() {
  // The rotation dialog starts at the deployment's overlap (APP_SECRET_ROTATION_OVERLAP_HOURS).
  return (
    <AppPage defaultOverlapHours={currentSettings().appSecrets.rotationOverlapMs / 3_600_000} />
  );
}

import { currentSettings } from "@collab/settings";
import type { Metadata } from "next";
import { AppPage } from "@/console/app-page";

export const metadata: Metadata = { title: "App" };

export default function Page() {
  // The rotation dialog starts at the deployment's overlap (APP_SECRET_ROTATION_OVERLAP_HOURS).
  return (
    <AppPage defaultOverlapHours={currentSettings().appSecrets.rotationOverlapMs / 3_600_000} />
  );
}

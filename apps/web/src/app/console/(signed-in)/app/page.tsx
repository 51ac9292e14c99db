import type { Metadata } from "next";
import { AppPage } from "@/console/app-page";

export const metadata: Metadata = { title: "App" };

export default function Page() {
  return <AppPage />;
}

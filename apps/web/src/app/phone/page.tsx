import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PhonePage } from "@/phone/phone-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return { title: `${t("phone")} · ${t("title")}` };
}

/** The web phone: a user's device on the user channel (docs/user-channel.md, "The web phone"). */
export default function Page() {
  return <PhonePage />;
}

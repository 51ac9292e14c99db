import type { Metadata } from "next";
import { PhonePage } from "@/phone/phone-page";
import { phoneStrings } from "@/phone/strings";

export const metadata: Metadata = { title: `${phoneStrings.pageTitle} · Collaboration sessions` };

/** The web phone: a user's device on the user channel (docs/user-channel.md, "The web phone"). */
export default function Page() {
  return <PhonePage />;
}

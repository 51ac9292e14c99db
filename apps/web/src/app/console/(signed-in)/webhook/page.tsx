import { currentSettings } from "@collab/settings";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { DeliveryPolicy } from "@/console/webhook-labels";
import { WebhookPage } from "@/console/webhook-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("meta"))("webhook") };
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

/** This deployment's delivery settings, for the page's description. */
function deliveryPolicy(): DeliveryPolicy {
  const { webhooks } = currentSettings().worker;
  return { timeoutMs: webhooks.timeoutMs, maxAgeMs: webhooks.maxAgeMs };
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // Ignore what could never match (the procedure would refuse it): the whole log instead.
  const session = first(params.session);
  const before = first(params.before);
  return (
    <WebhookPage
      session={session !== "" && session.length <= 64 ? session : null}
      before={/^\d{1,19}$/.test(before) ? before : null}
      policy={deliveryPolicy()}
    />
  );
}

"use client";
import { Stack, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { useTRPC } from "./trpc";
import { WebhookDeliveriesCard } from "./webhook-deliveries";
import type { DeliveryPolicy } from "./webhook-labels";
import { WebhookSettingsCard } from "./webhook-settings";

/**
 * The app's webhook: the URL and backlog, and the log of every delivery attempt, optionally of
 * one session (`?session=`), a page at a time (`?before=` cursor).
 */
export function WebhookPage({
  session,
  before,
  policy,
}: {
  session: string | null;
  before: string | null;
  policy: DeliveryPolicy;
}) {
  const trpc = useTRPC();
  const t = useTranslations("webhook");
  const queryClient = useQueryClient();
  // Shares the settings card's query (same key): the log says where older attempts went.
  const settings = useQuery(trpc.webhook.get.queryOptions());
  const refreshLog = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.queryKey() });
  }, [queryClient, trpc]);

  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Title order={1} fz={{ base: 24, sm: 28 }}>
          {t("title")}
        </Title>
        <Text c="dimmed" size="sm">
          {t("intro")}
        </Text>
      </Stack>
      <WebhookSettingsCard onChanged={refreshLog} policy={policy} />
      {/* key: another session filter is another list (no rows of the previous one meanwhile). */}
      <WebhookDeliveriesCard
        key={session ?? ""}
        session={session}
        before={before}
        currentUrl={settings.data === undefined ? undefined : settings.data.url}
      />
    </Stack>
  );
}

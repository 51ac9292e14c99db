"use client";
import type { WebhookDelivery } from "@collab/contracts";
import { Group, Paper, Skeleton, Stack, Table, Text } from "@mantine/core";
import { useTranslations } from "next-intl";
import classes from "./console.module.css";
import { Time, useDurations } from "./time";
import {
  ERROR_COLOR,
  ErrorText,
  HttpStatus,
  OtherUrl,
  rowData,
  SessionCell,
  WebhookOutcomeBadge,
} from "./webhook-delivery-cells";

// A page of delivery attempts: a table on wide screens, cards on narrow ones.

const COLUMNS = 9;

function LoadingRows() {
  return Array.from({ length: 5 }, (_, i) => (
    <Table.Tr key={i}>
      {Array.from({ length: COLUMNS }, (_, j) => (
        <Table.Td key={j}>
          <Skeleton h={16} />
        </Table.Td>
      ))}
    </Table.Tr>
  ));
}

export function DeliveryRows({
  deliveries,
  isPending,
  filtered,
  currentUrl,
  busy,
}: {
  deliveries: readonly WebhookDelivery[];
  isPending: boolean;
  filtered: boolean;
  currentUrl: string | null | undefined;
  busy: boolean;
}) {
  const t = useTranslations("webhook");
  const durations = useDurations();
  return (
    <Table.ScrollContainer minWidth={1000} type="native">
      <Table
        highlightOnHover
        verticalSpacing="xs"
        horizontalSpacing="sm"
        aria-label={t("attempts")}
        aria-busy={busy}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th ps="md">{t("time")}</Table.Th>
            <Table.Th>{t("event")}</Table.Th>
            <Table.Th>{t("session")}</Table.Th>
            <Table.Th ta="right">{t("seq")}</Table.Th>
            <Table.Th ta="right">{t("attempt")}</Table.Th>
            <Table.Th miw={124}>{t("outcome")}</Table.Th>
            <Table.Th ta="right">{t("http")}</Table.Th>
            <Table.Th ta="right">{t("duration")}</Table.Th>
            <Table.Th miw={140} pe="md">
              {t("error")}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {isPending ? (
            <LoadingRows />
          ) : (
            deliveries.map((d) => (
              <Table.Tr key={d.id} data-testid="delivery-row" {...rowData(d)}>
                <Table.Td className={classes.nowrap} ps="md">
                  <Text size="sm" span>
                    <Time iso={d.time} style="long" />
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text
                    className={classes.mono}
                    fw={600}
                    title={t("eventTitle", { eventID: d.eventID })}
                  >
                    {d.type}
                  </Text>
                  <OtherUrl url={d.url} currentUrl={currentUrl} />
                </Table.Td>
                <Table.Td className={classes.nowrap}>
                  <SessionCell sessionID={d.sessionID} filtered={filtered} />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" span>
                    {d.seq}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" span c={d.attempt > 1 ? undefined : "dimmed"}>
                    {d.attempt}
                  </Text>
                </Table.Td>
                <Table.Td className={classes.nowrap}>
                  <WebhookOutcomeBadge outcome={d.outcome} />
                </Table.Td>
                <Table.Td ta="right">
                  <HttpStatus status={d.httpStatus} />
                </Table.Td>
                <Table.Td ta="right" className={classes.nowrap}>
                  <Text size="sm" span>
                    {durations.measured(d.durationMs)}
                  </Text>
                </Table.Td>
                {/* The rest of the row's width; longer errors are cut (full text on hover). */}
                <Table.Td pe="md" style={{ width: "100%", maxWidth: 0 }}>
                  <ErrorText error={d.error} />
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function DeliveryCards({
  deliveries,
  isPending,
  filtered,
}: {
  deliveries: readonly WebhookDelivery[];
  isPending: boolean;
  filtered: boolean;
}) {
  const t = useTranslations("webhook");
  const durations = useDurations();
  if (isPending) {
    return (
      <Stack gap="xs" p="sm" pt={0} aria-busy>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={76} radius="md" />
        ))}
      </Stack>
    );
  }
  return (
    <Stack gap="xs" p="sm" pt={0} role="list" aria-label={t("attempts")}>
      {deliveries.map((d) => (
        <Paper
          key={d.id}
          withBorder
          radius="md"
          p="sm"
          role="listitem"
          data-testid="delivery-card"
          {...rowData(d)}
        >
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text
              className={classes.mono}
              fw={600}
              truncate
              title={t("eventTitle", { eventID: d.eventID })}
            >
              {d.type}
            </Text>
            <WebhookOutcomeBadge outcome={d.outcome} />
          </Group>
          <Group gap={6} mt={4} wrap="wrap">
            <SessionCell sessionID={d.sessionID} filtered={filtered} />
            <Text size="xs" c="dimmed">
              {t("seqAttempt", { seq: d.seq, attempt: d.attempt })}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" mt={2}>
            {d.httpStatus === null ? t("noAnswerShort") : t("httpStatus", { status: d.httpStatus })}{" "}
            · {durations.measured(d.durationMs)} · <Time iso={d.time} style="long" />
          </Text>
          {d.error !== null && (
            <Text size="xs" c={ERROR_COLOR} mt={2} lineClamp={2} title={d.error}>
              {d.error}
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

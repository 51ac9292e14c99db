"use client";
import type { SessionEventView } from "@collab/contracts";
import { Badge, Button, Code, Group, Skeleton, Stack, Text, Timeline } from "@mantine/core";
import { useTranslations } from "next-intl";
import { type ConsoleT, describeEvent, memberStateLook } from "./labels";
import { Time } from "./time";

function bulletColor(event: SessionEventView, t: ConsoleT): string {
  return event.toState === null ? "gray" : memberStateLook(event.toState, t).color;
}

export function EventTimeline({
  events,
  isPending,
  hasOlder,
  loadingOlder,
  onLoadOlder,
}: {
  events: readonly SessionEventView[];
  isPending: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
}) {
  const t = useTranslations();
  if (isPending) {
    return (
      <Stack gap="md" aria-busy>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} h={44} />
        ))}
      </Stack>
    );
  }
  if (events.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t("events.empty")}
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {/* Every item "active", so each bullet takes its event's colour (the state it led to). */}
      <Timeline active={events.length} bulletSize={14} lineWidth={2} aria-label={t("events.label")}>
        {events.map((event) => (
          <Timeline.Item
            key={event.seq}
            color={bulletColor(event, t)}
            data-testid="timeline-event"
            data-seq={event.seq}
            title={
              <Group gap={6} wrap="wrap">
                <Text size="sm" fw={600}>
                  {describeEvent(event, t)}
                </Text>
                {event.fromState !== null && event.toState !== null && (
                  <Text size="xs" c="dimmed">
                    {t("events.was", { state: memberStateLook(event.fromState, t).label })}
                  </Text>
                )}
                {event.reason !== null && (
                  <Badge
                    size="sm"
                    variant="light"
                    color="gray"
                    radius="sm"
                    tt="none"
                    data-testid="event-reason"
                  >
                    {t("events.reason", { reason: event.reason })}
                  </Badge>
                )}
              </Group>
            }
          >
            <Group gap={8} mt={2} wrap="wrap">
              <Text size="xs" c="dimmed">
                <Time iso={event.createdAt} style="long" />
              </Text>
              <Text size="xs" c="dimmed">
                #{event.seq}
              </Text>
              {event.extra !== null && (
                <Text size="xs" c="dimmed" lineClamp={2} data-testid="event-extra">
                  {t("events.extra")} <Code fz="xs">{event.extra}</Code>
                </Text>
              )}
              {event.traceID !== null && (
                <Text size="xs" c="dimmed">
                  {t("events.trace")} <Code fz="xs">{event.traceID}</Code>
                </Text>
              )}
            </Group>
          </Timeline.Item>
        ))}
      </Timeline>
      {hasOlder && (
        <Button variant="subtle" size="xs" onClick={onLoadOlder} loading={loadingOlder}>
          {t("events.loadOlder")}
        </Button>
      )}
    </Stack>
  );
}

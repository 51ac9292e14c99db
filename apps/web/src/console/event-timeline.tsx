"use client";
import type { SessionEventView } from "@collab/contracts";
import { Button, Code, Group, Skeleton, Stack, Text, Timeline } from "@mantine/core";
import { describeEvent, memberStateLook } from "./labels";
import { Time } from "./time";

function bulletColor(event: SessionEventView): string {
  return event.toState === null ? "gray" : memberStateLook(event.toState).color;
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
        Nothing has happened in this session yet. Invites and every member&apos;s state changes
        appear here as they happen.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {/* Every item "active", so each bullet takes its event's colour (the state it led to). */}
      <Timeline active={events.length} bulletSize={14} lineWidth={2} aria-label="Session events">
        {events.map((event) => (
          <Timeline.Item
            key={event.seq}
            color={bulletColor(event)}
            data-testid="timeline-event"
            data-seq={event.seq}
            title={
              <Group gap={6} wrap="wrap">
                <Text size="sm" fw={600}>
                  {describeEvent(event)}
                </Text>
                {event.fromState !== null && event.toState !== null && (
                  <Text size="xs" c="dimmed">
                    was {memberStateLook(event.fromState).label}
                  </Text>
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
              {event.traceID !== null && (
                <Text size="xs" c="dimmed">
                  trace <Code fz="xs">{event.traceID}</Code>
                </Text>
              )}
            </Group>
          </Timeline.Item>
        ))}
      </Timeline>
      {hasOlder && (
        <Button variant="subtle" size="xs" onClick={onLoadOlder} loading={loadingOlder}>
          Load older events
        </Button>
      )}
    </Stack>
  );
}

"use client";
import type { AppUsageDay } from "@collab/contracts";
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  Modal,
  SegmentedControl,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { consoleErrorOf, describeError } from "./errors";
import { SIGN_IN_PATH } from "./providers";
import { useTRPC } from "./trpc";

// The signed-in app itself: its usage per day (authenticated REST requests, refusals, rings) and
// deleting it. Disabling it is the deployment operator's (`pnpm app:manage disable`).

const RANGES = ["7", "30", "90"] as const;
const USAGE_REFRESH_MS = 30_000;
const count = new Intl.NumberFormat();

/** "Sat 5 Dec" for a UTC day (the counts are per UTC day, whatever the viewer's zone). */
function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

function UsageTable({ days }: { days: readonly AppUsageDay[] }) {
  const total = days.reduce(
    (sum, d) => ({
      requests: sum.requests + d.requests,
      errors: sum.errors + d.errors,
      rings: sum.rings + d.rings,
    }),
    { requests: 0, errors: 0, rings: 0 },
  );
  const newestFirst = [...days].reverse();
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped highlightOnHover verticalSpacing={6} data-testid="usage-table">
        <Table.Caption>Per UTC day, newest first.</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Day (UTC)</Table.Th>
            <Table.Th scope="col" ta="right">
              Requests
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Refused
            </Table.Th>
            <Table.Th scope="col" ta="right">
              Rings
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {newestFirst.map((d) => (
            <Table.Tr key={d.day} data-day={d.day}>
              <Table.Th scope="row" fw={500}>
                {dayLabel(d.day)}
              </Table.Th>
              <Table.Td ta="right" data-field="requests">
                {count.format(d.requests)}
              </Table.Td>
              <Table.Td ta="right" data-field="errors" c={d.errors > 0 ? "red" : undefined}>
                {count.format(d.errors)}
              </Table.Td>
              <Table.Td ta="right" data-field="rings">
                {count.format(d.rings)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th scope="row">Total</Table.Th>
            <Table.Th ta="right" data-testid="usage-total-requests">
              {count.format(total.requests)}
            </Table.Th>
            <Table.Th ta="right">{count.format(total.errors)}</Table.Th>
            <Table.Th ta="right" data-testid="usage-total-rings">
              {count.format(total.rings)}
            </Table.Th>
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}

function Usage() {
  const trpc = useTRPC();
  const [range, setRange] = useState<(typeof RANGES)[number]>("30");
  const usage = useQuery(
    trpc.app.usage.queryOptions({ days: Number(range) }, { refetchInterval: USAGE_REFRESH_MS }),
  );
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={2} size="h4">
              Usage
            </Title>
            <Text size="sm" c="dimmed">
              Signed REST requests this app made, those the server refused (any 4xx or 5xx), and the
              members it rang (from any surface). Counts reach this table within a few seconds.
            </Text>
          </div>
          <SegmentedControl
            aria-label="Days shown"
            size="xs"
            value={range}
            onChange={(value) => setRange(value as (typeof RANGES)[number])}
            data={RANGES.map((days) => ({ value: days, label: `${days} days` }))}
          />
        </Group>
        {usage.error ? (
          <Alert color="red" variant="light" role="alert" title="Usage not available">
            {describeError(consoleErrorOf(usage.error))}
          </Alert>
        ) : usage.data ? (
          <UsageTable days={usage.data.days} />
        ) : (
          <Skeleton h={240} />
        )}
      </Stack>
    </Card>
  );
}

function DeleteApp({ appId }: { appId: string | undefined }) {
  const trpc = useTRPC();
  const [opened, modal] = useDisclosure(false);
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.app.delete.mutationOptions({ onSuccess: () => window.location.assign(SIGN_IN_PATH) }),
  );
  const error = remove.error ? consoleErrorOf(remove.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    remove.mutate({ confirmAppId: typed });
  };
  return (
    <Card withBorder radius="md" padding="lg" style={{ borderColor: "var(--mantine-color-red-4)" }}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Delete this app
        </Title>
        <Text size="sm">
          Deletes the app and everything it owns — collaborations, sessions, members, events,
          webhook deliveries, usage — for good. Requests signed with its APPID fail from then on,
          and every console session ends.
        </Text>
        <Group>
          <Button color="red" variant="outline" onClick={modal.open} disabled={appId === undefined}>
            Delete this app…
          </Button>
        </Group>
      </Stack>
      <Modal opened={opened} onClose={modal.close} title="Delete this app" centered size="md">
        <form onSubmit={submit}>
          <Stack gap="md">
            <Text size="sm">
              This cannot be undone. Type the APPID <Code>{appId}</Code> to confirm.
            </Text>
            <TextInput
              label="APPID"
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            {error !== null && (
              <Alert color="red" variant="light" role="alert" title="Not deleted">
                {describeError(error)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={modal.close}>
                Cancel
              </Button>
              <Button
                type="submit"
                color="red"
                loading={remove.isPending}
                disabled={typed.trim() !== appId}
              >
                Delete for good
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}

export function AppPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          App
        </Title>
        <Text c="dimmed" size="sm">
          {me.data ? (
            <>
              {me.data.name} · <Code>{me.data.id}</Code>
            </>
          ) : (
            "\u00a0"
          )}
        </Text>
      </div>
      <Usage />
      <DeleteApp appId={me.data?.id} />
    </Stack>
  );
}

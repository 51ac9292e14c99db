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
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { AppSecretCard } from "./app-secret-card";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { SIGN_IN_PATH } from "./providers";
import { useTRPC } from "./trpc";

// The signed-in app itself: its usage per day (authenticated REST requests, refusals, rings) and
// deleting it. Disabling it is the deployment operator's (`pnpm app:manage disable`).

const RANGES = ["7", "30", "90"] as const;
const USAGE_REFRESH_MS = 30_000;
/** "Sat 5 Dec" for a UTC day (the counts are per UTC day, whatever the viewer's zone). */
function dayLabel(day: string, locale: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

function UsageTable({ days }: { days: readonly AppUsageDay[] }) {
  const t = useTranslations("app");
  const locale = useLocale();
  const format = useFormatter();
  const count = { format: (n: number) => format.number(n) };
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
        <Table.Caption>{t("caption")}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("day")}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t("requests")}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t("refused")}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t("rings")}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {newestFirst.map((d) => (
            <Table.Tr key={d.day} data-day={d.day}>
              <Table.Th scope="row" fw={500}>
                {dayLabel(d.day, locale)}
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
            <Table.Th scope="row">{t("total")}</Table.Th>
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
  const t = useTranslations("app");
  const errorText = useErrorText();
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
              {t("usage")}
            </Title>
            <Text size="sm" c="dimmed">
              {t("usageText")}
            </Text>
          </div>
          <SegmentedControl
            aria-label={t("daysShown")}
            size="xs"
            value={range}
            onChange={(value) => setRange(value as (typeof RANGES)[number])}
            data={RANGES.map((days) => ({ value: days, label: t("days", { days: Number(days) }) }))}
          />
        </Group>
        {usage.error ? (
          <Alert color="red" variant="light" role="alert" title={t("usageFailed")}>
            {errorText.describe(consoleErrorOf(usage.error))}
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
  const t = useTranslations("app");
  const tc = useTranslations("common");
  const errorText = useErrorText();
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
          {t("delete")}
        </Title>
        <Text size="sm">{t("deleteText")}</Text>
        <Group>
          <Button color="red" variant="outline" onClick={modal.open} disabled={appId === undefined}>
            {t("deleteButton")}
          </Button>
        </Group>
      </Stack>
      <Modal
        opened={opened}
        onClose={modal.close}
        title={t("delete")}
        centered
        size="md"
        closeButtonProps={{ "aria-label": tc("close") }}
      >
        <form onSubmit={submit}>
          <Stack gap="md">
            <Text size="sm">
              {t.rich("deleteConfirm", {
                appId: appId ?? "",
                code: (chunks) => <Code>{chunks}</Code>,
              })}
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
              <Alert color="red" variant="light" role="alert" title={t("notDeleted")}>
                {errorText.describe(error)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={modal.close}>
                {tc("cancel")}
              </Button>
              <Button
                type="submit"
                color="red"
                loading={remove.isPending}
                disabled={typed.trim() !== appId}
              >
                {t("deleteForGood")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}

export function AppPage({ defaultOverlapHours }: { defaultOverlapHours: number }) {
  const trpc = useTRPC();
  const t = useTranslations("app");
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          {t("title")}
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
      <AppSecretCard defaultOverlapHours={defaultOverlapHours} />
      <DeleteApp appId={me.data?.id} />
    </Stack>
  );
}

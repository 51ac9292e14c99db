"use client";
import type { WebhookSettings } from "@collab/contracts";
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import classes from "./console.module.css";
import { consoleErrorOf, describeError, formFieldFor } from "./errors";
import { useTRPC } from "./trpc";
import { checkWebhookUrl, type DeliveryPolicy, durationLabel } from "./webhook-labels";

/** How often the URL and the backlog figures are read again. */
const SETTINGS_REFRESH_MS = 5_000;
const FIELDS = { url: "url" } as const;

function Figure({
  label,
  value,
  hint,
  color,
  testId,
}: {
  label: string;
  value: number | undefined;
  hint: string;
  color?: string;
  testId: string;
}) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3} title={hint}>
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={28} w={48} mt={4} />
      ) : (
        <Text
          fz={24}
          fw={650}
          lh={1.3}
          c={value > 0 ? color : undefined}
          data-testid={testId}
          data-value={value}
        >
          {value}
        </Text>
      )}
      <Text size="xs" c="dimmed" visibleFrom="xs">
        {hint}
      </Text>
    </Paper>
  );
}

function CurrentUrl({ url }: { url: string | null }) {
  if (url === null) {
    return (
      <Group gap="xs" data-testid="webhook-url" data-url="">
        <Badge variant="light" color="gray" radius="sm" tt="none" className={classes.badge}>
          Off
        </Badge>
        <Text fw={600}>No webhook</Text>
        <Text size="sm" c="dimmed">
          Session events are not sent anywhere.
        </Text>
      </Group>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" align="center" miw={0} data-testid="webhook-url" data-url={url}>
      <Badge variant="light" color="teal" radius="sm" tt="none" className={classes.badge}>
        On
      </Badge>
      <CopyButton value={url} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy the URL"} withArrow withinPortal>
            <UnstyledButton onClick={copy} aria-label={`Copy the webhook URL ${url}`} miw={0}>
              <Text className={classes.mono} fz="sm" style={{ overflowWrap: "anywhere" }}>
                {url}
              </Text>
            </UnstyledButton>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/**
 * The app's webhook: its URL (set, change, remove with confirmation) and the delivery backlog,
 * read again every few seconds.
 */
export function WebhookSettingsCard({
  onChanged,
  policy,
}: {
  onChanged: () => void;
  policy: DeliveryPolicy;
}) {
  const trpc = useTRPC();
  const tc = useTranslations("common");
  const queryClient = useQueryClient();
  const settings = useQuery(
    trpc.webhook.get.queryOptions(undefined, { refetchInterval: SETTINGS_REFRESH_MS }),
  );
  // null: the field shows the current URL; a string: what the operator typed.
  const [draft, setDraft] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [saved, setSaved] = useState<"set" | "removed" | null>(null);
  const [confirming, confirm] = useDisclosure(false);

  const applied = (data: WebhookSettings, what: "set" | "removed") => {
    queryClient.setQueryData(trpc.webhook.get.queryKey(), data);
    setDraft(null);
    setSaved(what);
    onChanged();
  };
  const save = useMutation(
    trpc.webhook.set.mutationOptions({
      onMutate: () => setSaved(null),
      onSuccess: (data) => applied(data, "set"),
    }),
  );
  const remove = useMutation(
    trpc.webhook.set.mutationOptions({
      onMutate: () => setSaved(null),
      onSuccess: (data) => {
        confirm.close();
        save.reset();
        applied(data, "removed");
      },
    }),
  );

  const current = settings.data?.url ?? null;
  const value = draft ?? current ?? "";
  const serverError = save.error ? consoleErrorOf(save.error) : null;
  const serverField = serverError ? formFieldFor(serverError.field, FIELDS) : null;
  const fieldError =
    localError ??
    (serverError !== null && serverField === "url" ? describeError(serverError) : undefined);
  const unchanged = value.trim() === (current ?? "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkWebhookUrl(value);
    if (problem !== null) {
      save.reset();
      setLocalError(
        describeError({ reason: "INVALID_PARAM", message: problem, field: "url", code: null }),
      );
      return;
    }
    setLocalError(null);
    save.mutate({ url: value.trim() });
  };

  const removeError = remove.error ? consoleErrorOf(remove.error) : null;
  const data = settings.data;

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="webhook-settings">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={2}>
            <Title order={2} fz="lg">
              Endpoint
            </Title>
            <Text size="sm" c="dimmed" maw={640}>
              Every session event is POSTed here as JSON, signed with your app&apos;s secret using
              the HiAR header scheme: the same <Code fz="xs">X-HIAR-OPENAPI-*</Code> headers your
              servers sign their requests with. A non-2xx answer, or none within{" "}
              {durationLabel(policy.timeoutMs)}, is retried with exponential backoff for up to{" "}
              {durationLabel(policy.maxAgeMs)}. A session&apos;s events arrive in order, at least
              once: deduplicate by <Code fz="xs">eventID</Code>.
            </Text>
          </Stack>
        </Group>

        {settings.error && (
          <Alert color="red" variant="light" title="Could not load the webhook" role="alert">
            {consoleErrorOf(settings.error).message}
          </Alert>
        )}

        {data === undefined ? <Skeleton h={24} w={320} /> : <CurrentUrl url={data.url} />}

        <form onSubmit={submit} aria-label="Endpoint settings" noValidate>
          <Stack gap="sm">
            <TextInput
              label="Webhook URL"
              description="An absolute http(s) URL without credentials, at most 2048 characters."
              placeholder="https://example.com/hiar/events"
              inputMode="url"
              spellCheck={false}
              autoComplete="off"
              disabled={data === undefined}
              value={value}
              onChange={(e) => {
                setDraft(e.currentTarget.value);
                setLocalError(null);
                setSaved(null);
              }}
              error={fieldError}
              classNames={{ input: classes.mono }}
              data-testid="webhook-url-input"
            />
            {serverError !== null && serverField === null && (
              <Alert color="red" variant="light" title={serverError.reason} role="alert">
                {serverError.message}
              </Alert>
            )}
            <Group justify="space-between" gap="sm">
              <Text size="sm" c="teal" role="status" data-testid="webhook-saved">
                {saved === "set" && "Saved. New events go to this URL."}
                {saved === "removed" && "Webhook removed. Events are no longer sent."}
              </Text>
              <Group gap="sm" justify="flex-end" ml="auto">
                {current !== null && (
                  <Button variant="subtle" color="red" onClick={confirm.open}>
                    Remove webhook
                  </Button>
                )}
                {draft !== null && !unchanged && (
                  <Button
                    variant="default"
                    onClick={() => {
                      setDraft(null);
                      setLocalError(null);
                      save.reset();
                    }}
                  >
                    Cancel
                  </Button>
                )}
                <Button type="submit" loading={save.isPending} disabled={data === undefined}>
                  {current === null ? "Set webhook" : "Save URL"}
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>

        <SimpleGrid cols={3} spacing={{ base: "xs", sm: "sm" }} aria-label="Delivery backlog">
          <Figure
            label="Events waiting"
            value={data?.pendingEvents}
            hint="Not delivered yet"
            color="blue"
            testId="backlog-events"
          />
          <Figure
            label="Sessions pending"
            value={data?.pendingSessions}
            hint="With events to deliver"
            color="blue"
            testId="backlog-pending"
          />
          <Figure
            label="Sessions failing"
            value={data?.failingSessions}
            hint="Retrying after a failed attempt"
            color="orange"
            testId="backlog-failing"
          />
        </SimpleGrid>
      </Stack>

      <Modal
        opened={confirming}
        onClose={() => {
          confirm.close();
          remove.reset();
        }}
        title="Remove the webhook?"
        centered
        closeButtonProps={{ "aria-label": tc("close") }}
      >
        <Stack gap="md">
          <Text size="sm">
            Events are no longer sent to{" "}
            <Text span className={classes.mono} style={{ overflowWrap: "anywhere" }}>
              {current}
            </Text>
            {data !== undefined && data.pendingEvents > 0
              ? `, and the ${data.pendingEvents} event${data.pendingEvents === 1 ? "" : "s"} still waiting ${data.pendingEvents === 1 ? "is" : "are"} not delivered.`
              : "."}{" "}
            The delivery log stays.
          </Text>
          {removeError !== null && (
            <Alert color="red" variant="light" title={removeError.reason} role="alert">
              {removeError.message}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button
              variant="default"
              onClick={() => {
                confirm.close();
                remove.reset();
              }}
            >
              Keep it
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate({ url: null })}
              data-autofocus
            >
              Remove webhook
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

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
import { useErrorText } from "./error-text";
import { consoleErrorOf, formFieldFor } from "./errors";
import { useDurations } from "./time";
import { useTRPC } from "./trpc";
import { checkWebhookUrl, type DeliveryPolicy } from "./webhook-labels";

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
  const t = useTranslations("webhook");
  if (url === null) {
    return (
      <Group gap="xs" data-testid="webhook-url" data-url="">
        <Badge variant="light" color="gray" radius="sm" tt="none" className={classes.badge}>
          {t("off")}
        </Badge>
        <Text fw={600}>{t("noWebhook")}</Text>
        <Text size="sm" c="dimmed">
          {t("noWebhookText")}
        </Text>
      </Group>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" align="center" miw={0} data-testid="webhook-url" data-url={url}>
      <Badge variant="light" color="teal" radius="sm" tt="none" className={classes.badge}>
        {t("on")}
      </Badge>
      <CopyButton value={url} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t("copied") : t("copyUrl")} withArrow withinPortal>
            <UnstyledButton onClick={copy} aria-label={t("copyUrlValue", { url })} miw={0}>
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
  const t = useTranslations("webhook");
  const errorText = useErrorText();
  const durations = useDurations();
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
    (serverError !== null && serverField === "url" ? errorText.describe(serverError) : undefined);
  const unchanged = value.trim() === (current ?? "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkWebhookUrl(value);
    if (problem !== null) {
      save.reset();
      setLocalError(
        problem.kind === "invalid"
          ? errorText.describe({
              reason: "INVALID_PARAM",
              message: problem.message,
              field: "url",
              code: null,
            })
          : // The reason as the server would send it, the rest in the console's language.
            `INVALID_PARAM · ${
              problem.kind === "tooLong"
                ? t("urlProblems.tooLong", { max: problem.max })
                : t(`urlProblems.${problem.kind}`)
            }`,
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
              {t("endpoint")}
            </Title>
            <Text size="sm" c="dimmed" maw={640}>
              {t.rich("endpointText", {
                timeout: durations.configured(policy.timeoutMs),
                maxAge: durations.configured(policy.maxAgeMs),
                code: (chunks) => <Code fz="xs">{chunks}</Code>,
              })}
            </Text>
          </Stack>
        </Group>

        {settings.error && (
          <Alert color="red" variant="light" title={t("loadFailed")} role="alert">
            {errorText.message(consoleErrorOf(settings.error))}
          </Alert>
        )}

        {data === undefined ? <Skeleton h={24} w={320} /> : <CurrentUrl url={data.url} />}

        <form onSubmit={submit} aria-label={t("settingsForm")} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t("url")}
              description={t("urlHint")}
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
                {errorText.message(serverError)}
              </Alert>
            )}
            <Group justify="space-between" gap="sm">
              <Text size="sm" c="teal" role="status" data-testid="webhook-saved">
                {saved === "set" && t("saved")}
                {saved === "removed" && t("removed")}
              </Text>
              <Group gap="sm" justify="flex-end" ml="auto">
                {current !== null && (
                  <Button variant="subtle" color="red" onClick={confirm.open}>
                    {t("remove")}
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
                    {tc("cancel")}
                  </Button>
                )}
                <Button type="submit" loading={save.isPending} disabled={data === undefined}>
                  {current === null ? t("set") : t("save")}
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>

        <SimpleGrid cols={3} spacing={{ base: "xs", sm: "sm" }} aria-label={t("backlog")}>
          <Figure
            label={t("eventsWaiting")}
            value={data?.pendingEvents}
            hint={t("eventsWaitingHint")}
            color="blue"
            testId="backlog-events"
          />
          <Figure
            label={t("sessionsPending")}
            value={data?.pendingSessions}
            hint={t("sessionsPendingHint")}
            color="blue"
            testId="backlog-pending"
          />
          <Figure
            label={t("sessionsFailing")}
            value={data?.failingSessions}
            hint={t("sessionsFailingHint")}
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
        title={t("removeTitle")}
        centered
        closeButtonProps={{ "aria-label": tc("close") }}
      >
        <Stack gap="md">
          <Text size="sm">
            {t.rich("removeText", {
              url: current ?? "",
              waiting: data?.pendingEvents ?? 0,
              mono: (chunks) => (
                <Text span className={classes.mono} style={{ overflowWrap: "anywhere" }}>
                  {chunks}
                </Text>
              ),
            })}
          </Text>
          {removeError !== null && (
            <Alert color="red" variant="light" title={removeError.reason} role="alert">
              {errorText.message(removeError)}
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
              {t("keep")}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate({ url: null })}
              data-autofocus
            >
              {t("remove")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

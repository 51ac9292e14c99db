"use client";
import type { RotatedAppSecret } from "@collab/contracts";
import {
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { formatTime } from "./labels";
import { useTRPC } from "./trpc";

/**
 * The app's secret: rotate it (with confirmation), keeping the current one valid for an overlap
 * so servers can move without downtime. The new secret is shown once, in this card's state only:
 * nothing reads it back, and leaving the page forgets it.
 */
export function AppSecretCard({ defaultOverlapHours }: { defaultOverlapHours: number }) {
  const trpc = useTRPC();
  const t = useTranslations("appSecret");
  const tc = useTranslations("common");
  const locale = useLocale();
  const errorText = useErrorText();
  const [confirming, confirm] = useDisclosure(false);
  const [overlapHours, setOverlapHours] = useState<number>(defaultOverlapHours);
  const [issued, setIssued] = useState<RotatedAppSecret | null>(null);
  const rotate = useMutation(
    trpc.appSecret.rotate.mutationOptions({
      onSuccess: (data) => {
        confirm.close();
        setIssued(data);
      },
    }),
  );
  const error = rotate.error ? consoleErrorOf(rotate.error) : null;

  return (
    <Card withBorder radius="md" padding="lg" data-testid="app-secret">
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={2} fz="lg">
            {t("title")}
          </Title>
          <Text size="sm" c="dimmed" maw={640}>
            {t("intro")}
          </Text>
        </Stack>

        {issued !== null && (
          <Alert color="teal" variant="light" title={t("issued")} role="status">
            <Stack gap="xs">
              <Group gap="xs" wrap="nowrap">
                <Code
                  className={classes.mono}
                  data-testid="new-secret"
                  style={{ overflowWrap: "anywhere" }}
                >
                  {issued.secret}
                </Code>
                <CopyButton value={issued.secret} timeout={1500}>
                  {({ copied, copy }) => (
                    <Button size="compact-xs" variant="light" onClick={copy}>
                      {copied ? t("copied") : t("copy")}
                    </Button>
                  )}
                </CopyButton>
              </Group>
              <Text size="sm" data-testid="previous-secret-expiry">
                {issued.previousExpiresAt === null
                  ? t("previousStopped")
                  : t("previousUntil", {
                      until: formatTime(issued.previousExpiresAt, "short", locale),
                    })}{" "}
                {t("notShownAgain")}
              </Text>
            </Stack>
          </Alert>
        )}

        <Group justify="flex-end">
          <Button variant="default" color="red" onClick={confirm.open}>
            {t("rotateButton")}
          </Button>
        </Group>
      </Stack>

      <Modal
        opened={confirming}
        onClose={() => {
          confirm.close();
          rotate.reset();
        }}
        title={t("confirmTitle")}
        centered
        closeButtonProps={{ "aria-label": tc("close") }}
      >
        <Stack gap="md">
          <Text size="sm">{t("confirmText")}</Text>
          <NumberInput
            label={t("overlap")}
            description={t("overlapHint")}
            min={0}
            max={720}
            value={overlapHours}
            onChange={(value) => setOverlapHours(typeof value === "number" ? value : 0)}
            data-testid="overlap-hours"
          />
          {error !== null && (
            <Alert color="red" variant="light" title={error.reason} role="alert">
              {errorText.message(error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button
              variant="default"
              onClick={() => {
                confirm.close();
                rotate.reset();
              }}
            >
              {tc("cancel")}
            </Button>
            <Button
              color="red"
              loading={rotate.isPending}
              onClick={() => rotate.mutate({ overlapHours })}
              data-autofocus
            >
              {t("rotate")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

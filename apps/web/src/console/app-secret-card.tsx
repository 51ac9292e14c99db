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
import { useState } from "react";
import classes from "./console.module.css";
import { consoleErrorOf } from "./errors";
import { useTRPC } from "./trpc";

/**
 * The app's secret: rotate it (with confirmation), keeping the current one valid for an overlap
 * so servers can move without downtime. The new secret is shown once, in this card's state only:
 * nothing reads it back, and leaving the page forgets it.
 */
export function AppSecretCard({ defaultOverlapHours }: { defaultOverlapHours: number }) {
  const trpc = useTRPC();
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
            App secret
          </Title>
          <Text size="sm" c="dimmed" maw={640}>
            Rotating issues a new secret. The current one keeps working for the overlap you choose,
            so your servers can switch without downtime; after it, only the new one signs requests.
            Webhooks are signed with the new secret straight away.
          </Text>
        </Stack>

        {issued !== null && (
          <Alert color="teal" variant="light" title="New secret: store it now" role="status">
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
                      {copied ? "Copied" : "Copy"}
                    </Button>
                  )}
                </CopyButton>
              </Group>
              <Text size="sm" data-testid="previous-secret-expiry">
                {issued.previousExpiresAt === null
                  ? "The previous secret no longer works."
                  : `The previous secret works until ${new Date(issued.previousExpiresAt).toLocaleString()}.`}{" "}
                This secret is not shown again.
              </Text>
            </Stack>
          </Alert>
        )}

        <Group justify="flex-end">
          <Button variant="default" color="red" onClick={confirm.open}>
            Rotate secret…
          </Button>
        </Group>
      </Stack>

      <Modal
        opened={confirming}
        onClose={() => {
          confirm.close();
          rotate.reset();
        }}
        title="Rotate the app secret?"
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            A new secret is issued and shown once. The current secret keeps working for the overlap
            below, then stops: update every server that signs requests before then.
          </Text>
          <NumberInput
            label="Overlap (hours)"
            description="0 stops the current secret at once; at most 720 (30 days)."
            min={0}
            max={720}
            value={overlapHours}
            onChange={(value) => setOverlapHours(typeof value === "number" ? value : 0)}
            data-testid="overlap-hours"
          />
          {error !== null && (
            <Alert color="red" variant="light" title={error.reason} role="alert">
              {error.message}
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
              Cancel
            </Button>
            <Button
              color="red"
              loading={rotate.isPending}
              onClick={() => rotate.mutate({ overlapHours })}
              data-autofocus
            >
              Rotate secret
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

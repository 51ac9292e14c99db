"use client";
import {
  Alert,
  Button,
  Center,
  Code,
  Divider,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { LocaleSwitcher } from "@/ui/locale-switcher";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf, formFieldFor } from "./errors";
import { useTRPC } from "./trpc";

export interface DemoCredentials {
  readonly appId: string;
  readonly secret: string;
}

const FIELDS = { appId: "appId", secret: "secret" } as const;

export function SignInForm({
  demo,
  next,
  disabled = null,
}: {
  demo: DemoCredentials | null;
  next: string;
  /** Why the server cannot sign anyone in (e.g. CONSOLE_SESSION_SECRET is not set), or null. */
  disabled?: string | null;
}) {
  const trpc = useTRPC();
  const t = useTranslations("signIn");
  const locale = useLocale();
  const errorText = useErrorText();
  const router = useRouter();
  const appIdInput = useRef<HTMLInputElement>(null);
  // Focus after hydration (an SSR'd autoFocus attribute trips React's hydration check).
  useEffect(() => appIdInput.current?.focus(), []);
  const [appId, setAppId] = useState("");
  const [secret, setSecret] = useState("");
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      meta: { signIn: true },
      onSuccess: () => {
        router.replace(next);
        router.refresh();
      },
    }),
  );
  const error = signIn.error ? consoleErrorOf(signIn.error) : null;
  const field = error ? formFieldFor(error.field, FIELDS) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ appId: appId.trim(), secret });
  };

  return (
    <Center p="md" className={classes.canvas}>
      <Paper withBorder shadow="sm" radius="lg" p={{ base: "lg", sm: "xl" }} w="100%" maw={420}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Group justify="space-between" align="center" wrap="nowrap">
              <Title order={1} fz={26}>
                {t("title")}
              </Title>
              <LocaleSwitcher />
            </Group>
            <Text c="dimmed" size="sm">
              {t("intro")}
            </Text>
          </Stack>

          {disabled !== null && (
            <Alert color="red" variant="light" title={t("unavailable")} role="alert">
              {t("unavailableText", {
                // English shows the server's own words; other languages, the catalogue's.
                problem: locale === "en" ? disabled : t("disabledProblem"),
              })}
            </Alert>
          )}

          {error !== null && field === null && (
            <Alert color="red" variant="light" title={t("failed")} role="alert">
              {errorText.message(error)}
            </Alert>
          )}

          <form onSubmit={submit} noValidate={false}>
            <Stack gap="md">
              <TextInput
                label={t("appId")}
                name="appId"
                placeholder="hiar…"
                autoComplete="username"
                spellCheck={false}
                required
                value={appId}
                onChange={(e) => setAppId(e.currentTarget.value)}
                error={field === "appId" && error ? errorText.message(error) : undefined}
                ref={appIdInput}
              />
              <PasswordInput
                label={t("secret")}
                name="secret"
                autoComplete="current-password"
                required
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={field === "secret" && error ? errorText.message(error) : undefined}
              />
              <Button
                type="submit"
                fullWidth
                loading={signIn.isPending}
                disabled={disabled !== null}
              >
                {t("submit")}
              </Button>
            </Stack>
          </form>

          {demo !== null && (
            <>
              <Divider label={t("development")} labelPosition="center" />
              <Stack gap="xs">
                <Text size="sm">
                  {t.rich("demo", {
                    appId: demo.appId,
                    code: (chunks) => <Code>{chunks}</Code>,
                  })}
                </Text>
                <Button
                  variant="light"
                  fullWidth
                  disabled={signIn.isPending}
                  onClick={() => {
                    setAppId(demo.appId);
                    setSecret(demo.secret);
                    signIn.mutate({ appId: demo.appId, secret: demo.secret });
                  }}
                >
                  {t("demoButton")}
                </Button>
              </Stack>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

"use client";
import {
  Alert,
  Button,
  Center,
  Code,
  Divider,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useRef, useState } from "react";
import classes from "./console.module.css";
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
            <Title order={2}>Operator console</Title>
            <Text c="dimmed" size="sm">
              Sign in with your app&apos;s APPID and secret: the credentials your servers use to
              sign HiAR requests.
            </Text>
          </Stack>

          {disabled !== null && (
            <Alert color="red" variant="light" title="Sign-in unavailable" role="alert">
              {disabled} The server&apos;s operator sets it (the same on every instance) and
              restarts the server.
            </Alert>
          )}

          {error !== null && field === null && (
            <Alert color="red" variant="light" title="Sign-in failed" role="alert">
              {error.message}
            </Alert>
          )}

          <form onSubmit={submit} noValidate={false}>
            <Stack gap="md">
              <TextInput
                label="APPID"
                name="appId"
                placeholder="hiar…"
                autoComplete="username"
                spellCheck={false}
                required
                value={appId}
                onChange={(e) => setAppId(e.currentTarget.value)}
                error={field === "appId" ? error?.message : undefined}
                ref={appIdInput}
              />
              <PasswordInput
                label="Secret"
                name="secret"
                autoComplete="current-password"
                required
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={field === "secret" ? error?.message : undefined}
              />
              <Button
                type="submit"
                fullWidth
                loading={signIn.isPending}
                disabled={disabled !== null}
              >
                Sign in
              </Button>
            </Stack>
          </form>

          {demo !== null && (
            <>
              <Divider label="Development" labelPosition="center" />
              <Stack gap="xs">
                <Text size="sm">
                  The seeded demo app <Code>{demo.appId}</Code> is available on this development
                  server (run <Code>pnpm db:seed</Code> once if it is missing).
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
                  Sign in with the demo app
                </Button>
              </Stack>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

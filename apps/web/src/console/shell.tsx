"use client";
import {
  Anchor,
  AppShell,
  Box,
  Button,
  Code,
  Container,
  Group,
  Skeleton,
  Text,
  ThemeIcon,
} from "@mantine/core";
import { useMounted } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import classes from "./console.module.css";
import { viewerTimeZone } from "./labels";
import { SIGN_IN_PATH } from "./providers";
import { useTRPC } from "./trpc";

function Brand() {
  return (
    <Anchor component={Link} href="/console" underline="never" c="inherit">
      <Group gap={10} wrap="nowrap">
        <ThemeIcon size={30} radius="md" variant="filled" aria-hidden>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true">
            <title>Collaboration sessions</title>
            <circle cx="8" cy="12" r="5" stroke="currentColor" strokeWidth="2" />
            <circle cx="16" cy="12" r="5" stroke="currentColor" strokeWidth="2" />
          </svg>
        </ThemeIcon>
        <Box visibleFrom="sm">
          <Text fw={650} lh={1.1}>
            Collaboration sessions
          </Text>
          <Text size="xs" c="dimmed" lh={1.1}>
            Operator console
          </Text>
        </Box>
      </Group>
    </Anchor>
  );
}

const NAV = [
  {
    href: "/console",
    label: "Collaborations",
    // The session pages belong to the collaborations.
    active: (path: string) => path === "/console" || path.startsWith("/console/sessions/"),
  },
  {
    href: "/console/webhook",
    label: "Webhook",
    active: (path: string) => path === "/console/webhook",
  },
] as const;

/** The console's sections; the current one is marked (aria-current). */
function ConsoleNav() {
  const pathname = usePathname();
  return (
    <Group component="nav" aria-label="Console" gap={4} wrap="nowrap">
      {NAV.map((item) => {
        const active = item.active(pathname);
        return (
          <Button
            key={item.href}
            component={Link}
            href={item.href}
            size="xs"
            variant={active ? "light" : "subtle"}
            color={active ? undefined : "gray"}
            aria-current={active ? "page" : undefined}
            px={{ base: 8, sm: 12 }}
          >
            {item.label}
          </Button>
        );
      })}
    </Group>
  );
}

/** The signed-in console: header with the app and sign-out, the page, and a quiet footer. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      // Leave even if the session had already expired: the sign-in page is where to go.
      onSettled: () => window.location.assign(SIGN_IN_PATH),
    }),
  );
  const mounted = useMounted();

  return (
    <AppShell header={{ height: 60 }} padding={0}>
      <AppShell.Header>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Group gap="lg" wrap="nowrap" miw={0}>
              <Brand />
              <ConsoleNav />
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Box ta="right" visibleFrom="xs" data-testid="signed-in-app">
                {me.data ? (
                  <>
                    <Text size="sm" fw={600} lh={1.2} truncate maw={220}>
                      {me.data.name}
                    </Text>
                    <Code fz="xs">{me.data.id}</Code>
                  </>
                ) : (
                  <Skeleton h={30} w={140} />
                )}
              </Box>
              <Button
                variant="default"
                size="xs"
                onClick={() => signOut.mutate()}
                loading={signOut.isPending}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </Container>
      </AppShell.Header>
      <AppShell.Main className={classes.canvas}>
        <Container size="lg" py="xl">
          {children}
        </Container>
        <Container size="lg" pb="xl">
          <Text size="xs" c="dimmed" suppressHydrationWarning>
            {mounted ? `Times are shown in your time zone (${viewerTimeZone()}).` : "\u00a0"}
          </Text>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

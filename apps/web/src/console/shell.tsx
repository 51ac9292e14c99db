"use client";
import {
  Alert,
  Anchor,
  AppShell,
  Box,
  Button,
  Code,
  Container,
  Group,
  Menu,
  Modal,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
} from "@mantine/core";
import { useDisclosure, useMounted } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { LocaleSwitcher } from "@/ui/locale-switcher";
import classes from "./console.module.css";
import { useErrorText } from "./error-text";
import { consoleErrorOf } from "./errors";
import { viewerTimeZone } from "./labels";
import { SIGN_IN_PATH } from "./providers";
import { useTRPC } from "./trpc";

function Brand() {
  const t = useTranslations("shell");
  return (
    <Anchor component={Link} href="/console" underline="never" c="inherit">
      <Group gap={10} wrap="nowrap">
        <ThemeIcon size={30} radius="md" variant="filled" aria-hidden>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true">
            <title>{t("brand")}</title>
            <circle cx="8" cy="12" r="5" stroke="currentColor" strokeWidth="2" />
            <circle cx="16" cy="12" r="5" stroke="currentColor" strokeWidth="2" />
          </svg>
        </ThemeIcon>
        <Box visibleFrom="sm">
          <Text fw={650} lh={1.1}>
            {t("brand")}
          </Text>
          <Text size="xs" c="dimmed" lh={1.1}>
            {t("console")}
          </Text>
        </Box>
      </Group>
    </Anchor>
  );
}

const NAV = [
  {
    href: "/console",
    label: "collaborations",
    // The session pages belong to the collaborations.
    active: (path: string) => path === "/console" || path.startsWith("/console/sessions/"),
  },
  {
    href: "/console/calls",
    label: "calls",
    active: (path: string) => path === "/console/calls",
    // Phones have no room for it in the header: reached there from a session's members.
    wideOnly: true,
  },
  {
    href: "/console/webhook",
    label: "webhook",
    active: (path: string) => path === "/console/webhook",
  },
  {
    href: "/console/app",
    label: "app",
    active: (path: string) => path === "/console/app",
  },
] as const;

/** The console's sections; the current one is marked (aria-current). */
function ConsoleNav() {
  const pathname = usePathname();
  const t = useTranslations("shell");
  return (
    <Group component="nav" aria-label={t("nav")} gap={4} wrap="nowrap">
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
            visibleFrom={"wideOnly" in item ? "sm" : undefined}
          >
            {t(item.label)}
          </Button>
        );
      })}
    </Group>
  );
}

/**
 * The account menu: sign out (this browser's session is revoked on the server, so a copy of its
 * cookie stops working too), or sign out everywhere (every console session of the app, in every
 * browser, after a confirmation).
 */
function AccountMenu() {
  const trpc = useTRPC();
  const t = useTranslations("shell");
  const tc = useTranslations("common");
  const errorText = useErrorText();
  const [confirming, confirm] = useDisclosure(false);
  // Leave even if the session had already ended: the sign-in page is where to go.
  const leave = () => window.location.assign(SIGN_IN_PATH);
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSettled: leave }));
  const signOutEverywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: leave }),
  );
  const error = signOutEverywhere.error ? consoleErrorOf(signOutEverywhere.error) : null;

  return (
    <>
      <Menu position="bottom-end" withinPortal shadow="md" width={240}>
        <Menu.Target>
          <Button variant="default" size="xs" loading={signOut.isPending} aria-label={t("account")}>
            {t("accountMenu")}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => signOut.mutate()}>{t("signOut")}</Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" onClick={confirm.open}>
            {t("signOutEverywhereMenu")}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={confirming}
        onClose={confirm.close}
        title={t("signOutEverywhere")}
        closeButtonProps={{ "aria-label": tc("close") }}
        centered
        size="md"
      >
        <Stack gap="md">
          <Text size="sm">{t("signOutEverywhereText")}</Text>
          {error !== null && (
            <Alert color="red" variant="light" role="alert" title={t("notSignedOut")}>
              {errorText.describe(error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={confirm.close}>
              {t("cancel")}
            </Button>
            <Button
              color="red"
              loading={signOutEverywhere.isPending}
              onClick={() => signOutEverywhere.mutate()}
            >
              {t("signOutEverywhere")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** The signed-in console: header with the app and its account menu, the page, a quiet footer. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const mounted = useMounted();
  const t = useTranslations("shell");

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
              <LocaleSwitcher />
              <AccountMenu />
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
            {mounted ? t("timeZone", { zone: viewerTimeZone() }) : "\u00a0"}
          </Text>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

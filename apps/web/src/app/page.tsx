import {
  Anchor,
  Button,
  Code,
  Container,
  Group,
  List,
  ListItem,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LocaleSwitcher } from "@/ui/locale-switcher";

const code = (chunks: ReactNode) => <Code>{chunks}</Code>;

export default async function HomePage() {
  const t = await getTranslations("home");
  return (
    <Container size="sm" py={64}>
      <Stack gap="lg">
        <Group justify="space-between" align="center" wrap="nowrap">
          <Title order={1}>{t("title")}</Title>
          <LocaleSwitcher />
        </Group>
        <Text size="lg" c="dimmed">
          {t("intro")}
        </Text>
        <List spacing="xs">
          <ListItem>{t.rich("invite", { code })}</ListItem>
          <ListItem>{t.rich("create", { code })}</ListItem>
          <ListItem>{t.rich("query", { code })}</ListItem>
        </List>
        <Group>
          <Button component="a" href="/console">
            {t("console")}
          </Button>
          <Anchor href="/docs">{t("docs")}</Anchor>
          <Anchor href="/openapi.json">{t("openapi")}</Anchor>
          <Anchor href="/phone">{t("phone")}</Anchor>
          <Anchor href="/healthz">{t("health")}</Anchor>
        </Group>
      </Stack>
    </Container>
  );
}

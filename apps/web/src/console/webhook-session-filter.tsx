"use client";
import { Box, Button, Group, TextInput } from "@mantine/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import classes from "./console.module.css";
import { isPossibleSessionFilter, webhookPageHref } from "./webhook-labels";

export function SessionFilter({ session }: { session: string | null }) {
  const router = useRouter();
  const t = useTranslations("webhook");
  const [value, setValue] = useState(session ?? "");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isPossibleSessionFilter(value)) {
      setError(t("sessionTooLong"));
      return;
    }
    router.push(webhookPageHref({ session: value.trim() || null }));
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label={t("filterForm")}
      w={{ base: "100%", xs: 440 }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label={t("sessionId")}
          placeholder={t("sessionIdPlaceholder")}
          size="sm"
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          classNames={{ input: classes.mono }}
          miw={0}
          style={{ flex: "1 1 0" }}
          data-testid="session-filter"
        />
        <Button type="submit" variant="light" size="sm">
          {t("filter")}
        </Button>
        {session !== null && (
          <Button component={Link} href={webhookPageHref({})} variant="subtle" size="sm">
            {t("showAll")}
          </Button>
        )}
      </Group>
    </Box>
  );
}

"use client";
import { Box, Button, Group, TextInput } from "@mantine/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import classes from "./console.module.css";
import { checkSessionFilter, webhookPageHref } from "./webhook-labels";

export function SessionFilter({ session }: { session: string | null }) {
  const router = useRouter();
  const [value, setValue] = useState(session ?? "");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkSessionFilter(value);
    if (problem !== null) {
      setError(problem);
      return;
    }
    router.push(webhookPageHref({ session: value.trim() || null }));
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label="Filter by session"
      w={{ base: "100%", xs: 440 }}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          aria-label="Session ID"
          placeholder="Filter by session ID"
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
          Filter
        </Button>
        {session !== null && (
          <Button component={Link} href={webhookPageHref({})} variant="subtle" size="sm">
            Show all
          </Button>
        )}
      </Group>
    </Box>
  );
}

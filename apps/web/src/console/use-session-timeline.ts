"use client";
import type { SessionEventView } from "@collab/contracts";
import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { consoleErrorOf } from "./errors";
import { useTRPC, useTRPCClient } from "./trpc";

export type LiveStatus = "starting" | "live" | "reconnecting" | "stopped";

/** Newest first, each seq once. */
function merge(...lists: readonly (readonly SessionEventView[])[]): SessionEventView[] {
  const bySeq = new Map<number, SessionEventView>();
  for (const list of lists) for (const event of list) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

/**
 * A session's timeline: the newest page, older pages on demand, and every later event live.
 * The live stream starts after the newest event of the first page (so nothing falls between
 * the read and the stream), and tRPC's SSE link resumes from the last event id it received after
 * any reconnect. Events are keyed by seq, so none is shown twice. Each live event also refreshes
 * the session (members, counts) through `onEvent`.
 */
export function useSessionTimeline(sessionID: string, onEvent: () => void) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const first = useQuery(
    trpc.session.events.queryOptions(
      { sessionID },
      // The stream keeps it current; refetching would only move the stream's start.
      { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false },
    ),
  );
  const [older, setOlder] = useState<SessionEventView[]>([]);
  const [hasOlder, setHasOlder] = useState<boolean | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [live, setLive] = useState<SessionEventView[]>([]);
  const [startAfter, setStartAfter] = useState<string | null>(null);

  useEffect(() => {
    if (first.data && startAfter === null) {
      setStartAfter(String(first.data.events[0]?.seq ?? 0));
    }
  }, [first.data, startAfter]);

  const subscription = useSubscription(
    trpc.session.onEvent.subscriptionOptions(
      startAfter === null ? skipToken : { sessionID, lastEventId: startAfter },
      {
        onData: ({ data }) => {
          setLive((current) =>
            current.some((e) => e.seq === data.seq) ? current : [data, ...current],
          );
          onEvent();
        },
      },
    ),
  );

  const events = useMemo(
    () => merge(live, first.data?.events ?? [], older),
    [live, first.data, older],
  );

  const loadOlder = useCallback(async () => {
    const oldest = events.at(-1);
    if (oldest === undefined) return;
    setLoadingOlder(true);
    try {
      const page = await client.session.events.query({ sessionID, beforeSeq: oldest.seq });
      setOlder((current) => merge(current, page.events));
      setHasOlder(page.hasOlder);
    } finally {
      setLoadingOlder(false);
    }
  }, [client, events, sessionID]);

  let status: LiveStatus;
  switch (subscription.status) {
    case "pending":
      status = "live";
      break;
    case "connecting":
      status = startAfter === null || subscription.error === null ? "starting" : "reconnecting";
      break;
    case "error":
      status = "stopped";
      break;
    default:
      status = "starting";
  }

  return {
    events,
    isPending: first.isPending,
    error: first.error ? consoleErrorOf(first.error) : null,
    hasOlder: hasOlder ?? first.data?.hasOlder ?? false,
    loadingOlder,
    loadOlder,
    status,
    /** Restart a stopped stream (after an error the client does not retry by itself). */
    reconnect: () => {
      subscription.reset();
      void queryClient.invalidateQueries({ queryKey: trpc.session.get.queryKey({ sessionID }) });
    },
  };
}

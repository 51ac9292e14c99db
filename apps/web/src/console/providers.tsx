"use client";
import type { AppRouter } from "@collab/api";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { type ReactNode, useState } from "react";
import {
  CONSOLE_BATCH_MAX_ITEMS,
  CONSOLE_BATCH_MAX_URL_LENGTH,
  CONSOLE_ENDPOINT,
} from "./endpoint";
import { isRetryable } from "./errors";
import { TRPCProvider } from "./trpc";

export const SIGN_IN_PATH = "/console/sign-in";

/** A session that expired (or an app deleted) sends the operator back to the sign-in page. */
function signInAgainOnUnauthorized(error: unknown): void {
  if (!(error instanceof TRPCClientError)) return;
  if ((error as TRPCClientError<AppRouter>).data?.code !== "UNAUTHORIZED") return;
  if (window.location.pathname.startsWith(SIGN_IN_PATH)) return;
  window.location.assign(SIGN_IN_PATH);
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signInAgainOnUnauthorized }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        // A wrong password is the sign-in form's business, not a lost session.
        if (mutation.options.meta?.signIn !== true) signInAgainOnUnauthorized(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failureCount, error) => isRetryable(error) && failureCount < 2,
      },
    },
  });
}

export function ConsoleProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          // Server-sent events; on a reconnect the link resends the last event id it received.
          true: httpSubscriptionLink({ url: CONSOLE_ENDPOINT }),
          false: httpBatchLink({
            url: CONSOLE_ENDPOINT,
            maxItems: CONSOLE_BATCH_MAX_ITEMS,
            maxURLLength: CONSOLE_BATCH_MAX_URL_LENGTH,
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

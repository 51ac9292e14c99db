"use client";
import type { AppRouter } from "@collab/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";

// The console's only way to the server: typed tRPC procedures through TanStack Query.
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

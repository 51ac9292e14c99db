import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ConsoleProviders } from "@/console/providers";

export const metadata: Metadata = {
  title: { default: "Operator console · Collaboration sessions", template: "%s · Console" },
};

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <ConsoleProviders>{children}</ConsoleProviders>;
}

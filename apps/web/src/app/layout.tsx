import "@mantine/core/styles.css";
import { ColorSchemeScript, mantineHtmlProps } from "@mantine/core";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { UiProvider } from "@/ui/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Collaboration sessions",
  description: "A self-hostable, HiAR-compatible collaboration-session service",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" {...mantineHtmlProps}>
      <head>
        {/* Sets light/dark before the first paint, so the page does not flash. */}
        <ColorSchemeScript defaultColorScheme="auto" />
      </head>
      <body>
        <UiProvider>{children}</UiProvider>
      </body>
    </html>
  );
}

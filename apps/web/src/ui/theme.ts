import { type CSSVariablesResolver, createTheme } from "@mantine/core";

// One calm palette for the whole app: indigo accents on neutral greys, system fonts.
export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "md",
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, monospace',
  headings: { fontWeight: "650" },
  cursorType: "pointer",
  // Every colour two shades darker than Mantine's default in the light scheme: white on indigo or
  // red 6 (and red 6 on white) is below the 4.5:1 contrast WCAG AA asks of normal text.
  primaryShade: { light: 8, dark: 8 },
});

/** Dimmed text dark enough to read (WCAG AA 4.5:1): Mantine's light-scheme gray 6 is 3.3:1. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { "--mantine-color-dimmed": t.colors.gray[7] ?? "#495057" },
  dark: {},
});

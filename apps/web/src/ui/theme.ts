import { createTheme } from "@mantine/core";

// One calm palette for the whole app: indigo accents on neutral greys, system fonts.
export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "md",
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, monospace',
  headings: { fontWeight: "650" },
  cursorType: "pointer",
});

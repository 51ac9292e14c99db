import { type CSSVariablesResolver, createTheme, darken } from "@mantine/core";

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

/**
 * Text dark enough to read in the light scheme (WCAG AA 4.5:1): dimmed text (Mantine's gray 6 is
 * 3.3:1 on white), a field's error and its red border (red 6 is 3.3:1; red 9 is 5.4:1), and the
 * text of light and outline badges and alerts on their tinted backgrounds (shade 9 on shade 1 is
 * about 4.3:1 for teal and green).
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = {
    "--mantine-color-dimmed": t.colors.gray[7] ?? "#495057",
    "--mantine-color-error": t.colors.red[9] ?? "#c92a2a",
  };
  for (const [name, shades] of Object.entries(t.colors)) {
    const darkest = shades[9];
    if (darkest === undefined || name === "dark") continue;
    const text = darken(darkest, 0.25);
    light[`--mantine-color-${name}-light-color`] = text;
    light[`--mantine-color-${name}-outline`] = text;
  }
  return { variables: {}, light, dark: {} };
};

import type en from "../../messages/en.json";
import type { Locale } from "./locales";

// Typed message keys: a key missing from the English catalogue is a type error at its use.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}

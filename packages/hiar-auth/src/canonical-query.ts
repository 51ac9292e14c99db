/**
 * The doc's canonical_query_string: `key=value` pairs sorted by key ascending, a repeated key
 * ordered by value, joined with `&`; empty when there is no query.
 *
 * Percent-encoding: pairs are taken raw, exactly as sent, and never decoded or re-encoded. The
 * doc says nothing about encoding, and any decode/re-encode step (`+` vs `%20`, `%7E` vs `~`,
 * upper- vs lower-case hex) is a choice a client could make differently; working on the bytes
 * on the wire leaves nothing to disagree about. Consequences, all documented in the README:
 * - ordering compares raw strings by UTF-16 code unit (not locale), key first, then value;
 * - a pair without `=` is written `key=` (the doc's form is always `key=value`);
 * - empty segments (`a=1&&b=2`, a trailing `&`) carry no pair and are dropped.
 *
 * @param rawQuery the query without its leading `?` (a leading `?` is the query's own content).
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs: Array<readonly [string, string]> = [];
  for (const segment of rawQuery.split("&")) {
    if (segment === "") continue;
    const eq = segment.indexOf("=");
    pairs.push(eq === -1 ? [segment, ""] : [segment.slice(0, eq), segment.slice(eq + 1)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => compareCodeUnits(ka, kb) || compareCodeUnits(va, vb));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

// Plain `<` comparison: deterministic across runtimes and locales, unlike localeCompare.
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

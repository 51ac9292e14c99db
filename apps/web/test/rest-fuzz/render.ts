import type { Frame, GarbageBody, Mutation } from "./arbitraries";

// Turning a recipe into the exact bytes sent: a template (a JS value) with mutations applied at
// the JSON-text level, so duplicate keys, raw number tokens and deep nesting survive as written.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

interface JsonNode {
  readonly path: Path;
  readonly value: Json;
}

/** Every node of `value`, root first (pre-order). */
function nodesOf(value: Json, path: Path = []): JsonNode[] {
  const here = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => nodesOf(v, [...path, i]))];
  if (value !== null && typeof value === "object") {
    return [here, ...Object.entries(value).flatMap(([k, v]) => nodesOf(v, [...path, k]))];
  }
  return [here];
}

const keyOf = (path: Path) => JSON.stringify(path);

interface Edits {
  readonly replace: Map<string, string>;
  readonly remove: Set<string>;
  readonly add: Map<string, { key: string; text: string; first: boolean }[]>;
}

function renderValue(value: Json, path: Path, edits: Edits): string | undefined {
  const key = keyOf(path);
  if (edits.remove.has(key)) return undefined;
  const replaced = edits.replace.get(key);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) {
    const items = value
      .map((v, i) => renderValue(v, [...path, i], edits))
      .filter((text): text is string => text !== undefined);
    return `[${items.join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const own = Object.entries(value).flatMap(([k, v]) => {
      const text = renderValue(v, [...path, k], edits);
      return text === undefined ? [] : [`${JSON.stringify(k)}:${text}`];
    });
    const added = edits.add.get(key) ?? [];
    const entry = (a: { key: string; text: string }) => `${JSON.stringify(a.key)}:${a.text}`;
    const before = added.filter((a) => a.first).map(entry);
    const after = added.filter((a) => !a.first).map(entry);
    return `{${[...before, ...own, ...after].join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The template with `mutations` applied, as JSON text ("" when the root itself was deleted). */
export function renderMutated(template: Json, mutations: readonly Mutation[]): string {
  const nodes = nodesOf(template);
  const objects = nodes.filter(
    (n) => n.value !== null && typeof n.value === "object" && !Array.isArray(n.value),
  );
  const edits: Edits = { replace: new Map(), remove: new Set(), add: new Map() };
  for (const m of mutations) {
    if (m.kind === "foreignIds") continue; // applied to the template by the lane
    if (m.kind === "addKey") {
      const target = objects[m.at % objects.length];
      if (target === undefined) continue;
      const list = edits.add.get(keyOf(target.path)) ?? [];
      list.push({ key: m.key, text: m.text, first: m.first });
      edits.add.set(keyOf(target.path), list);
      continue;
    }
    const node = nodes[m.at % nodes.length] as JsonNode;
    const key = keyOf(node.path);
    switch (m.kind) {
      case "replace":
        edits.replace.set(key, m.text);
        break;
      case "delete":
        edits.remove.add(key);
        break;
      case "poison": {
        const base = typeof node.value === "string" ? node.value : JSON.stringify(node.value);
        edits.replace.set(
          key,
          JSON.stringify(m.prepend ? `${m.chars}${base}` : `${base}${m.chars}`),
        );
        break;
      }
      case "wrap":
        edits.replace.set(
          key,
          m.inArray ? `[${JSON.stringify(node.value)}]` : `{"value":${JSON.stringify(node.value)}}`,
        );
        break;
    }
  }
  return renderValue(template, [], edits) ?? "";
}

const encoder = new TextEncoder();

/** The framed text as bytes (a few frames break the JSON or its UTF-8 on purpose). */
export function frameBytes(text: string, frame: Frame): Uint8Array {
  switch (frame.kind) {
    case "plain":
      return encoder.encode(text);
    case "bom":
      return encoder.encode(`\ufeff${text}`);
    case "whitespace":
      return encoder.encode(`${frame.text}${text}${frame.text}`);
    case "array":
      return encoder.encode(`[${text}]`);
    case "trailing":
      return encoder.encode(`${text}${frame.text}`);
    case "truncate":
      return encoder.encode(text).slice(0, frame.keep % (text.length + 1));
    case "badUtf8": {
      const bytes = encoder.encode(text);
      const at = frame.at % (bytes.length + 1);
      return Uint8Array.from([...bytes.slice(0, at), frame.byte, ...bytes.slice(at)]);
    }
    case "latin1":
      return Uint8Array.from(Buffer.from(text, "latin1"));
  }
}

/** A garbage body's bytes. */
export function garbageBytes(body: GarbageBody): Uint8Array {
  switch (body.kind) {
    case "text":
      return encoder.encode(body.text);
    case "bytes":
      return Uint8Array.from(body.bytes);
    case "oversized": {
      const frameLength = '{"pad":""}'.length;
      return encoder.encode(`{"pad":"${"x".repeat(Math.max(0, body.bytes - frameLength))}"}`);
    }
    case "fields":
      return encoder.encode(
        `{${body.fields.map(([key, text]) => `${JSON.stringify(key)}:${text}`).join(",")}}`,
      );
  }
}

/**
 * Nesting depth and number of values of JSON text (strings skipped), without parsing it: a body
 * past these may be refused for its parse cost alone (src/server/rest/read-body.ts), whatever the contract says.
 */
export function jsonBulk(text: string): { depth: number; values: number } {
  let depth = 0;
  let maxDepth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      values++;
      if (depth > maxDepth) maxDepth = depth;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
    else if (ch === 0x2c || ch === 0x3a) values++;
  }
  return { depth: maxDepth, values };
}

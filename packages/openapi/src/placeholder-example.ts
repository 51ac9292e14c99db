import { COMPONENT_PREFIX, type JsonSchema } from "./json-schema/components";

// For an operation without a hand-picked example (e.g. one just added to the registry), the
// code samples still show a body: its required fields, filled from their schemas.

export function placeholderExample(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  name = "value",
  depth = 0,
): unknown {
  if (depth > 8) return null;
  if (typeof schema.$ref === "string") {
    const target = schemas[schema.$ref.slice(COMPONENT_PREFIX.length)] ?? {};
    return placeholderExample(target, schemas, name, depth + 1);
  }
  if (Array.isArray(schema.anyOf)) {
    return placeholderExample(schema.anyOf[0] as JsonSchema, schemas, name, depth + 1);
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(
        required.map((key) => [
          key,
          placeholderExample(properties[key] ?? {}, schemas, key, depth + 1),
        ]),
      );
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      const item = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: min }, () => placeholderExample(item, schemas, name, depth + 1));
    }
    case "string":
      return name === "userID" ? "user01" : `<${name}>`;
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

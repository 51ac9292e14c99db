import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { OpenApiDocument } from "../document";

// Validates JSON values against the schemas OF THE DOCUMENT (not the zod contracts), so tests
// can prove that what the server sends, and what clients may send, is what the document says.

// Each component is registered as its own schema; refs are rewritten to point at it.
const ID = "urn:collab:openapi:schemas:";

export interface DocumentValidator {
  /** Errors of `value` against components.schemas[name]; null when it is valid. */
  schema(name: string, value: unknown): ErrorObject[] | null;
  /** Errors of a request body against the operation's request schema at `path`. */
  request(path: string, body: unknown): ErrorObject[] | null;
  /** Errors of a response body against the documented response for `path` and `status`. */
  response(path: string, status: number, body: unknown): ErrorObject[] | null;
  /** The HTTP statuses the document lists for `path`. */
  statuses(path: string): number[];
}

type Content = { content?: Record<string, { schema?: object }> };

export function documentValidator(document: OpenApiDocument): DocumentValidator {
  // strict: every keyword in a schema must be one ajv knows, so a typo fails loudly.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    ajv.addSchema({ ...rebase(schema), $id: `${ID}${name}` });
  }
  const cache = new Map<string, ValidateFunction>();

  const compile = (key: string, schema: object) => {
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(rebase(schema));
      cache.set(key, validate);
    }
    return validate;
  };
  const run = (validate: ValidateFunction, value: unknown) =>
    validate(value) ? null : [...(validate.errors ?? [])];

  const operation = (path: string) => {
    const post = document.paths[path]?.post as
      | { requestBody: Content; responses: Record<string, Content> }
      | undefined;
    if (!post) throw new Error(`the document has no POST ${path}`);
    return post;
  };
  const jsonSchema = (content: Content, what: string) => {
    const schema = content.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`the document has no JSON schema for ${what}`);
    return schema;
  };

  return {
    schema: (name, value) =>
      run(compile(`schema:${name}`, { $ref: `#/components/schemas/${name}` }), value),
    request: (path, body) =>
      run(
        compile(`request:${path}`, jsonSchema(operation(path).requestBody, `POST ${path}`)),
        body,
      ),
    response: (path, status, body) => {
      const response = operation(path).responses[String(status)];
      if (!response) throw new Error(`the document lists no ${status} for POST ${path}`);
      return run(
        compile(`response:${path}:${status}`, jsonSchema(response, `${status} of ${path}`)),
        body,
      );
    },
    statuses: (path) => Object.keys(operation(path).responses).map(Number),
  };
}

/** Points the document's "#/components/schemas/X" refs at the registered components. */
function rebase(schema: object): object {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${ID}`),
  ) as object;
}

import { z } from 'zod';
import { ErrorResponse } from '@member-ops/shared';
import type { RouteSpec } from '../http/api-router';

type JsonSchema = Record<string, unknown>;

/** Named schemas (`.meta({ id })`) collected into components.schemas instead of repeating them per operation. */
type Components = Record<string, JsonSchema>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output', components?: Components): JsonSchema => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  const defs = json.$defs as Components | undefined;
  delete json.$defs;
  // Input and output shapes of one named schema can differ (defaults, coercion); name the input variant apart.
  const rename = (id: string) => (io === 'input' ? `${id}Input` : id);
  const rewrite = (value: JsonSchema): JsonSchema =>
    JSON.parse(
      JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${rename(id)}"`),
    ) as JsonSchema;
  if (defs && components) {
    for (const [id, def] of Object.entries(defs)) components[rename(id)] = rewrite(def);
  }
  return rewrite(json);
};

/** Query and path parameters from an object schema, one OpenAPI parameter per key. */
function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  // A named query schema (`.meta({ id })`) comes back as a reference to itself; its properties are the parameters.
  const named: Components = {};
  const top = toSchema(schema, 'input', named);
  const json = typeof top.$ref === 'string' ? (named[top.$ref.split('/').pop() as string] ?? top) : top;
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: the `fields` list names each bad field and why',
  401: 'Not signed in, or the session expired',
  403: 'Signed in without the role or scope for this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  429: 'Too many requests',
  500: 'Internal error (masked; quote the requestId)',
  503: 'Unavailable',
};

/** Builds the OpenAPI 3.1 document from the route specs of every router. */
export function buildOpenApiDocument(routers: { prefix: string; specs: RouteSpec[] }[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Components = {};
  const errorSchema = toSchema(ErrorResponse, 'output', schemas);
  for (const { prefix, specs } of routers) {
    for (const spec of specs) {
      const openApiPath = `${prefix}${spec.path}`.replace(/:(\w+)/g, '{$1}');
      const errorStatuses = [...new Set([400, 500, ...(spec.errors ?? [])])].sort();
      const responses: Record<string, unknown> = {
        [String(spec.status ?? 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: toSchema(spec.response, 'output', schemas) } },
        },
      };
      for (const status of errorStatuses) {
        responses[String(status)] = {
          description: STATUS_TEXT[status] ?? 'Error',
          content: { 'application/json': { schema: errorSchema } },
        };
      }
      paths[openApiPath] ??= {};
      paths[openApiPath][spec.method] = {
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        tags: spec.tags,
        parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
        ...(spec.body
          ? {
              requestBody: { required: true, content: { 'application/json': { schema: toSchema(spec.body, 'input', schemas) } } },
            }
          : {}),
        responses,
        ...(spec.security ? { security: spec.security.map((name) => ({ [name]: [] })) } : {}),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '会员私域运营 API',
      version: info.version,
      description: 'Member operations for WeChat mini-program shops. Money is integer fen; times are ISO 8601 UTC.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: {
        member: { type: 'http', scheme: 'bearer', description: 'Shopper session token from POST /api/auth/wechat' },
        staff: { type: 'http', scheme: 'bearer', description: 'Staff session token from POST /api/staff/login' },
      },
    },
    paths,
  };
}

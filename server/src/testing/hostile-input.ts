/**
 * Hostile requests derived from the OpenAPI document: for every operation a plausible baseline request, then one
 * request per (field, hostile value) with only that field spoiled, so a value that slips past validation reaches
 * the handler with everything else in order.
 */

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

/** JSON text spliced into a body as is: numbers JSON.stringify cannot write (1e400) and nesting it would recurse on. */
class RawJson {
  constructor(readonly text: string) {}
}

export interface HostileRequest {
  method: string;
  /** The OpenAPI path, e.g. `/api/orders/{id}`, to group results by operation. */
  operation: string;
  url: string;
  /** JSON text, or undefined for no body. */
  body: string | undefined;
  /** What was spoiled, e.g. `body.items.0.quantity = NUL`. */
  label: string;
  /** The spoiled field as a 400 names it (`body.items.0.quantity`, `query.keyword`, `params.id`); undefined for the whole body. */
  field: string | undefined;
  /** The kind of hostile value, e.g. `NUL`. */
  kind: string;
}

/** Kinds of value every text field must refuse with a 400 naming it. */
export const UNSAFE_TEXT_KINDS = new Set(['NUL', 'lone surrogate', 'lone low surrogate']);

const NESTING_DEPTH = 10_000;
const LONG_URL_VALUE = 'x'.repeat(6_000);
const PROTO_OBJECT = new RawJson('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');

/** Hostile JSON values for a body field of the given schema type (a few per kind, not a cartesian product). */
function bodyValuesFor(schema: JsonSchema): [string, unknown][] {
  const common: [string, unknown][] = [
    ['deep nesting', new RawJson(`${'['.repeat(NESTING_DEPTH)}${']'.repeat(NESTING_DEPTH)}`)],
    ['__proto__ object', PROTO_OBJECT],
  ];
  switch (typeOf(schema)) {
    case 'string':
      return [
        ['NUL', 'a\u0000b'],
        ['lone surrogate', 'a\ud800b'],
        ['lone low surrogate', '\udc00'],
        ['1 MB string', 'x'.repeat(1_048_576)],
        ['64 KB string', '字'.repeat(65_536)],
        ['number', 12_345],
        ...common,
      ];
    case 'integer':
    case 'number':
      return [
        ['1e400', new RawJson('1e400')],
        ['-1e400', new RawJson('-1e400')],
        ['2^63', new RawJson('9223372036854775808')],
        ['2^53+2', 9_007_199_254_740_994],
        ['2^31', 2_147_483_648],
        ['-2^31-1', -2_147_483_649],
        ['fraction', 0.000001],
        ['NUL string', '1\u0000'],
        ...common,
      ];
    case 'boolean':
      return [['string', 'true\u0000'], ['number', 1], ...common];
    case 'array':
      return [['20k items', new RawJson(`[${Array(20_000).fill('1').join(',')}]`)], ['string', 'a\u0000'], ...common];
    default:
      return [
        ['NUL key', { 'a\u0000': 'a\u0000' }],
        ['lone surrogate string', 'a\ud800'],
        ['2^63', new RawJson('9223372036854775808')],
        ['deep object', new RawJson(`${'{"a":'.repeat(NESTING_DEPTH)}1${'}'.repeat(NESTING_DEPTH)}`)],
        ...common,
      ];
  }
}

/** Hostile values for a path or query parameter, already percent-encoded. */
const URL_VALUES: [string, string][] = [
  ['NUL', 'a%00b'],
  ['lone surrogate (CESU-8)', '%ED%A0%80'],
  ['invalid percent', '%E0%A4%A'],
  ['6 KB value', LONG_URL_VALUE],
  ['1e400', '1e400'],
  ['2^63', '9223372036854775808'],
  ['-2^31-1', '-2147483649'],
  ['fraction', '0.5'],
  ['NaN', 'NaN'],
  ['__proto__', '__proto__'],
];

function typeOf(schema: JsonSchema): string {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return (schema.type as string[]).find((t) => t !== 'null') ?? 'null';
  return 'unknown';
}

/** A value the schema probably accepts; good enough that most spoiled requests fail only on the spoiled field. */
export class BaselineBuilder {
  constructor(private readonly doc: OpenApiDocument) {}

  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
      current = this.doc.components.schemas[(current.$ref as string).split('/').pop() as string] ?? {};
    }
    const variants = (current.anyOf ?? current.oneOf) as JsonSchema[] | undefined;
    if (variants) {
      const usable = variants.map((v) => this.resolve(v)).filter((v) => typeOf(v) !== 'null');
      return usable[0] ?? {};
    }
    if (Array.isArray(current.allOf) && current.allOf.length > 0) return this.resolve(current.allOf[0] as JsonSchema);
    return current;
  }

  value(raw: JsonSchema, depth = 0): unknown {
    const schema = this.resolve(raw);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
    switch (typeOf(schema)) {
      case 'string':
        return sampleString(schema);
      case 'integer':
      case 'number':
        return Math.min(Math.max(1, Number(schema.minimum ?? schema.exclusiveMinimum ?? 1) + 1), Number(schema.maximum ?? 1e6));
      case 'boolean':
        return false;
      case 'array': {
        const items = Math.max(1, Number(schema.minItems ?? 1));
        return depth > 6 ? [] : Array.from({ length: items }, () => this.value((schema.items ?? {}) as JsonSchema, depth + 1));
      }
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
        const required = new Set((schema.required as string[] | undefined) ?? []);
        const entries = Object.entries(properties).filter(([name]) => required.has(name) || depth < 2);
        return Object.fromEntries(entries.map(([name, property]) => [name, this.value(property, depth + 1)]));
      }
      default:
        return {};
    }
  }
}

const STRING_SAMPLES = [
  '2026-03-01T02:00:00.000Z',
  '2026-03-01',
  '0 9 * * *',
  '13800138000',
  'ABCD1234',
  'abc_1234',
  '123456',
  '1234',
];

function sampleString(schema: JsonSchema): string {
  const min = Number(schema.minLength ?? 1);
  if (schema.format === 'date-time') return '2026-03-01T02:00:00.000Z';
  if (schema.format === 'date') return '2026-03-01';
  if (schema.format === 'uri') return 'https://example.com/a.png';
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    const found = STRING_SAMPLES.find((sample) => pattern.test(sample));
    if (found) return found;
    if (pattern.test(`MC1.${'a'.repeat(44)}`)) return `MC1.${'a'.repeat(44)}`;
  }
  return 'a'.repeat(Math.max(min, 3));
}

function stringify(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, index: string) => raws[Number(index)] as string);
}

function setAt(target: unknown, path: (string | number)[], value: unknown): unknown {
  const copy: unknown = structuredClone(target);
  let cursor = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  cursor[path[path.length - 1] as string | number] = value;
  return copy;
}

/** Every body field path (objects and first array items, a few levels down) with its schema. */
function bodyFields(
  builder: BaselineBuilder,
  raw: JsonSchema,
  path: (string | number)[] = [],
): [(string | number)[], JsonSchema][] {
  const schema = builder.resolve(raw);
  if (path.length >= 4) return [];
  if (typeOf(schema) === 'object' && schema.properties) {
    return Object.entries(schema.properties as Record<string, JsonSchema>).flatMap(([name, property]) => [
      [[...path, name], builder.resolve(property)] as [(string | number)[], JsonSchema],
      ...bodyFields(builder, property, [...path, name]),
    ]);
  }
  if (typeOf(schema) === 'array' && schema.items) return bodyFields(builder, schema.items as JsonSchema, [...path, 0]);
  return [];
}

/** All hostile requests for one operation. */
export function hostileRequestsFor(doc: OpenApiDocument, operation: string, method: string): HostileRequest[] {
  const op = doc.paths[operation]?.[method] as OpenApiOperation;
  const builder = new BaselineBuilder(doc);
  const params = op.parameters ?? [];
  const pathValues = Object.fromEntries(
    params.filter((p) => p.in === 'path').map((p) => [p.name, String(builder.value(p.schema))]),
  );
  const query = params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(builder.value(p.schema))]);
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const body = bodySchema ? builder.value(bodySchema) : undefined;
  const upper = method.toUpperCase();
  const urlOf = (pathOverride: Record<string, string>, queryPairs: string[][]) => {
    const filled = operation.replace(
      /\{(\w+)\}/g,
      (_m, name: string) => pathOverride[name] ?? encodeURIComponent(pathValues[name] ?? '1'),
    );
    const search = queryPairs.map(([k, v]) => `${k}=${v}`).join('&');
    return search ? `${filled}?${search}` : filled;
  };
  const encodedQuery = query.map(([k, v]) => [k as string, encodeURIComponent(v as string)]);
  const baseBody = body === undefined ? undefined : stringify(body);
  const requests: HostileRequest[] = [];
  const add = (field: string | undefined, kind: string, url: string, text: string | undefined) =>
    requests.push({ method: upper, operation, url, body: text, label: `${field ?? 'body'} = ${kind}`, field, kind });

  for (const param of params) {
    for (const [kind, value] of URL_VALUES) {
      const url =
        param.in === 'path'
          ? urlOf({ [param.name]: value }, encodedQuery)
          : urlOf({}, [...encodedQuery.filter(([k]) => k !== param.name), [param.name, value]]);
      add(`${param.in === 'path' ? 'params' : 'query'}.${param.name}`, kind, url, baseBody);
    }
    if (param.in === 'query') {
      add(`query.${param.name}`, 'repeated', urlOf({}, [...encodedQuery, [param.name, '1'], [param.name, '2']]), baseBody);
    }
  }
  add('query.__proto__', 'extra key', urlOf({}, [...encodedQuery, ['__proto__', '1'], ['constructor', '1']]), baseBody);
  if (bodySchema) {
    let oversizedSent = false;
    for (const [path, schema] of bodyFields(builder, bodySchema)) {
      for (const [kind, value] of bodyValuesFor(schema)) {
        // Past the body limit every route answers 413 before reading a field: once per operation is enough.
        if (kind === '1 MB string' && oversizedSent) continue;
        oversizedSent ||= kind === '1 MB string';
        add(`body.${path.join('.')}`, kind, urlOf({}, encodedQuery), stringify(setAt(body, path, value)));
      }
    }
  }
  const wholeBodies: [string, string][] = [
    ['array', '[1,2]'],
    ['string', '"a\\u0000"'],
    ['deep nesting', `${'['.repeat(NESTING_DEPTH)}${']'.repeat(NESTING_DEPTH)}`],
    ['__proto__ only', '{"__proto__":{"polluted":true}}'],
    ['truncated JSON', '{"a":'],
  ];
  // A GET sends no body; a route without a body contract never reads one, so the parser needs one probe there.
  if (upper !== 'GET') {
    for (const [kind, text] of bodySchema ? wholeBodies : wholeBodies.slice(2, 3))
      add(undefined, kind, urlOf({}, encodedQuery), text);
  }
  return requests;
}

/** Every (path, method) of the document, and whether it needs a session (else every role may call it). */
export function operationsOf(doc: OpenApiDocument): { operation: string; method: string; secured: boolean }[] {
  return Object.entries(doc.paths).flatMap(([operation, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ operation, method, secured: (op.security ?? []).length > 0 })),
  );
}

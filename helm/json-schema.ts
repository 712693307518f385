// A validator for the draft-07 subset values.schema.json uses. A keyword outside the subset is an
// error (so the chart test never passes a schema it did not really check).
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'definitions', 'default', 'examples']);
const KEYWORDS = new Set(['$ref', 'type', 'properties', 'required', 'additionalProperties', 'enum', 'items', 'minimum', 'maximum', 'minItems', 'minLength', 'pattern']);

export class UnsupportedSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSchemaError';
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, type: string): boolean {
  const actual = typeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

function resolveRef(root: Schema, ref: string): Schema {
  const m = ref.match(/^#\/definitions\/([A-Za-z0-9_-]+)$/);
  const target = m ? (root.definitions as Record<string, Schema> | undefined)?.[m[1]] : undefined;
  if (!target) throw new UnsupportedSchemaError(`unresolvable $ref ${ref}`);
  return target;
}

/** Problems found in `value`, one line each as "path: message"; empty when it conforms. */
export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  const visit = (schema: Schema, v: unknown, path: string): void => {
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new UnsupportedSchemaError(`${path || '(root)'}: keyword "${key}" is outside the supported subset`);
    }
    if (typeof schema.$ref === 'string') {
      if (Object.keys(schema).some((k) => KEYWORDS.has(k) && k !== '$ref')) throw new UnsupportedSchemaError(`${path}: $ref beside other keywords`);
      visit(resolveRef(root, schema.$ref), v, path);
      return;
    }
    const at = path || '(root)';
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => matchesType(v, t))) {
        problems.push(`${at}: must be ${types.join(' or ')}, got ${typeOf(v)}`);
        return;
      }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === v)) {
      problems.push(`${at}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(v)}`);
    }
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) problems.push(`${at}: must be at least ${schema.minimum}, got ${v}`);
      if (typeof schema.maximum === 'number' && v > schema.maximum) problems.push(`${at}: must be at most ${schema.maximum}, got ${v}`);
    }
    if (typeof v === 'string') {
      if (typeof schema.minLength === 'number' && v.length < schema.minLength) problems.push(`${at}: must be at least ${schema.minLength} characters`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) problems.push(`${at}: must match ${schema.pattern}, got ${JSON.stringify(v)}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) problems.push(`${at}: must have at least ${schema.minItems} item(s)`);
      if (schema.items !== undefined) v.forEach((item, i) => visit(schema.items as Schema, item, `${path}[${i}]`));
    }
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) {
        if (!(name in obj)) problems.push(`${path ? path + '.' : ''}${name}: is required`);
      }
      for (const [name, child] of Object.entries(obj)) {
        const childPath = path ? `${path}.${name}` : name;
        if (props[name]) visit(props[name], child, childPath);
        else if (schema.additionalProperties === false) problems.push(`${childPath}: is not allowed (unknown key)`);
        else if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties as Schema, child, childPath);
      }
    }
  };
  visit(root, value, '');
  return problems;
}

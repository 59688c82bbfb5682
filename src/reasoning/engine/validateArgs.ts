/**
 * Checks a planner's tool arguments against the tool's JSON Schema (the subset MCP tool schemas use: an object of
 * typed properties, required keys, enums, no extra keys) before the call is made, so a malformed call is recorded
 * and answered with the problem rather than sent.
 */

type Schema = Record<string, unknown>;

function typeOk(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'string':
        return typeof value === 'string';
      case 'boolean':
        return typeof value === 'boolean';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'integer':
        return Number.isInteger(value);
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'null':
        return value === null;
      default:
        return true;
    }
  });
}

function checkValue(path: string, value: unknown, schema: Schema): string | undefined {
  if (schema.type !== undefined && !typeOk(value, schema.type))
    return `${path} must be ${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type)}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return `${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  return undefined;
}

/** The problem with `args` for `schema`, or undefined when they fit. */
export function argumentProblem(args: unknown, schema: Schema): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return `the arguments must be a JSON object (got ${typeof args === 'string' ? `the text ${JSON.stringify(args.slice(0, 80))}` : JSON.stringify(args)})`;
  const record = args as Record<string, unknown>;
  const properties = (
    typeof schema.properties === 'object' && schema.properties !== null ? schema.properties : {}
  ) as Record<string, Schema>;
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const missing = required.filter((key) => record[key] === undefined);
  if (missing.length > 0) return `missing required argument(s): ${missing.join(', ')}`;
  for (const [key, value] of Object.entries(record)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (!property) {
      if (schema.additionalProperties === false)
        return `unknown argument "${key}" (expected ${Object.keys(properties).join(', ') || 'none'})`;
      continue;
    }
    const problem = checkValue(key, value, property);
    if (problem) return problem;
  }
  return undefined;
}

/** ajv for JSON Schema draft-04 (the SARIF 2.1.0 schema's draft), loaded from its CommonJS build. */
import { createRequire } from 'node:module';

interface SchemaValidator {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}
interface SchemaCompiler {
  compile(schema: unknown): SchemaValidator;
}

const require = createRequire(import.meta.url);
export const Ajv2004 = require('ajv-draft-04') as new (options: Record<string, unknown>) => SchemaCompiler;

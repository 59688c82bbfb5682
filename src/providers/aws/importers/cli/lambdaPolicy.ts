/**
 * `aws lambda get-policy`: the function's resource-based policy, a JSON string in `Policy`. The output does not
 * name the function reliably: it is the function ARN in the statements' Resource when there is one, else the file's
 * base name (the issue contract), in the account and region of the import options.
 */
import type { Estate } from '../../../../model/index.js';
import { arnOf } from '../../estate/index.js';
import { decodePolicyDocument } from '../../policy/index.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { documentDecodes, functionArnParts } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { isRecord, stringList, subjectFromFileName, type JsonRecord } from '../common/json.js';

/** The distinct unqualified function ARNs the statements' Resource entries name. */
function functionsNamed(policy: unknown): string[] {
  let decoded: unknown;
  try {
    decoded = decodePolicyDocument(policy, 'Policy');
  } catch {
    return [];
  }
  if (!isRecord(decoded)) return [];
  const statements = Array.isArray(decoded.Statement) ? decoded.Statement : [decoded.Statement];
  const arns = new Set<string>();
  for (const statement of statements) {
    if (!isRecord(statement)) continue;
    for (const resource of stringList(statement.Resource)) {
      const parts = functionArnParts(resource);
      if (parts && !parts.name.includes('*')) arns.add(parts.arn);
    }
  }
  return [...arns];
}

export const lambdaPolicyImporter: Importer = {
  name: 'aws-cli:get-policy',
  detect: (input: ImportInput) => {
    const root = input.parsed;
    if (!isRecord(root) || typeof root.Policy !== 'string') return false;
    // S3 get-bucket-policy prints {Policy} too; only Lambda adds RevisionId, or names a function in the statements.
    return typeof root.RevisionId === 'string' || functionsNamed(root.Policy).length > 0;
  },
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    const root = input.parsed as JsonRecord;
    if (!documentDecodes(builder, root.Policy, 'Policy')) return builder.estate;
    const named = functionsNamed(root.Policy);
    if (named.length > 1) {
      builder.error(
        `the policy names ${named.length} functions (${named.join(', ')}); attached to the first`,
        'Policy',
      );
    }
    const functionArn = named[0] ?? arnOf.function(options, subjectFromFileName(input.file));
    builder.addPolicy({
      id: `${functionArn}#resource-policy`,
      name: 'function policy',
      type: 'resource',
      attachedTo: functionArn,
      document: root.Policy,
      source: builder.at('Policy'),
    });
    return builder.estate;
  },
};

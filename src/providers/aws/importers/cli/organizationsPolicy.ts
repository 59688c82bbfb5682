/**
 * `aws organizations describe-policy`: a service or resource control policy. The output does not say where the
 * policy is attached (that is `list-targets-for-policy`), so it is attached to `organization-root`: it then applies
 * to every account, which over-states a policy attached lower in the tree.
 */
import type { Estate } from '../../../../model/index.js';
import type { Importer, ImportInput } from '../importer.js';
import { documentDecodes } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { isRecord, stringField, type JsonRecord } from '../common/json.js';

/** The target organization policies are attached to when the export does not name one. */
export const ORGANIZATION_ROOT = 'organization-root';

const POLICY_TYPES: Record<string, 'scp' | 'rcp'> = {
  SERVICE_CONTROL_POLICY: 'scp',
  RESOURCE_CONTROL_POLICY: 'rcp',
};

export const organizationsPolicyImporter: Importer = {
  name: 'aws-cli:describe-policy',
  detect: (input: ImportInput) => {
    const policy = isRecord(input.parsed) ? input.parsed.Policy : undefined;
    return isRecord(policy) && isRecord(policy.PolicySummary) && 'Content' in policy;
  },
  import: (input: ImportInput): Estate => {
    const builder = new EstateBuilder(input.file);
    const policy = (input.parsed as JsonRecord).Policy as JsonRecord;
    const summary = policy.PolicySummary as JsonRecord;
    const kind = stringField(summary, 'Type') ?? '(missing)';
    const type = POLICY_TYPES[kind];
    if (!type) {
      builder.info(`policy type ${kind} does not decide access; not imported`, 'Policy.PolicySummary.Type');
      return builder.estate;
    }
    const id = stringField(summary, 'Arn') ?? stringField(summary, 'Id');
    if (!id) {
      builder.error('policy has neither Arn nor Id', 'Policy.PolicySummary');
      return builder.estate;
    }
    if (!documentDecodes(builder, policy.Content, 'Policy.Content')) return builder.estate;
    builder.addPolicy({
      id,
      name: stringField(summary, 'Name') ?? id,
      type,
      attachedTo: ORGANIZATION_ROOT,
      document: policy.Content,
      source: builder.at('Policy'),
    });
    builder.info(
      `${type.toUpperCase()} ${id} attached to ${ORGANIZATION_ROOT}: describe-policy does not name its targets`,
      'Policy',
    );
    return builder.estate;
  },
};

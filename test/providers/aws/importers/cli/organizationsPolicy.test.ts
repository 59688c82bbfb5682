import { describe, expect, it } from 'vitest';
import { organizationsPolicyImporter as describePolicy } from '../../../../../src/providers/aws/importers/cli/index.js';
import { fixture, OPTIONS } from './fixtureInput.js';

describe('organizations describe-policy', () => {
  it.each([
    [
      'cli/organizations/deny-table-deletes.json',
      'scp',
      'DenyTableDeletes',
      'service_control_policy/p-examplescp1',
    ],
    ['cli/organizations/org-only-s3.json', 'rcp', 'OrgOnlyS3', 'resource_control_policy/p-examplercp1'],
  ])('attaches %s as an %s to organization-root', (file, type, name, arnTail) => {
    const input = fixture(file);
    expect(describePolicy.detect(input)).toBe(true);
    const estate = describePolicy.import(input, OPTIONS);
    expect(estate.policies).toEqual([
      {
        id: `arn:aws:organizations::999988887777:policy/o-exampleorg/${arnTail}`,
        name,
        type,
        attachedTo: 'organization-root',
        document: (input.parsed as { Policy: { Content: string } }).Policy.Content,
        source: { file: input.file, path: 'Policy' },
      },
    ]);
    expect(estate.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('does not name its targets') }),
    ]);
  });

  it('skips policy types that do not decide access, with a note', () => {
    const estate = describePolicy.import(fixture('cli/organizations/tags.json'), OPTIONS);
    expect(estate.policies).toEqual([]);
    expect(estate.errors[0]?.message).toBe('policy type TAG_POLICY does not decide access; not imported');
  });
});

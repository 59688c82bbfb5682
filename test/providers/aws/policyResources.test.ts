import { describe, expect, it } from 'vitest';
import { emptyEstate } from '../../../src/model/index.js';
import { buildProfile, mergeEstates } from '../../../src/profile/index.js';
import { resourceTypeOfArn } from '../../../src/providers/aws/catalog/index.js';
import { createAwsEstateAuthorizer } from '../../../src/providers/aws/estateAuthorizer/index.js';
import {
  awsImporters,
  DEFAULT_IMPORT_OPTIONS,
  loadEstates,
} from '../../../src/providers/aws/importers/index.js';
import { identity } from '../../profile/estates.js';

const ROLE = 'arn:aws:iam::123456789012:role/r';

function namedBy(statements: object[]): string[] {
  const estate = emptyEstate();
  estate.policies.push(identity(ROLE, 'p', statements));
  const authorizer = createAwsEstateAuthorizer(estate);
  return authorizer.resources
    .all()
    .map((k) => k.key)
    .sort();
}

describe('resources from policies', () => {
  it('come from Resource and NotResource, tables, buckets (from their keys), queues and patterns', () => {
    expect(
      namedBy([
        {
          Effect: 'Allow',
          Action: '*',
          Resource: ['arn:aws:dynamodb:*:*:table/orders-*', 'arn:aws:s3:::invoices/2024/*'],
        },
        { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:sqs:us-east-1:123456789012:jobs' },
      ]),
    ).toEqual([
      'arn:aws:dynamodb:*:*:table/orders-*',
      'arn:aws:s3:::invoices',
      'arn:aws:s3:::invoices/*',
      'arn:aws:s3:::invoices/2024/*',
      'arn:aws:sqs:us-east-1:123456789012:jobs',
    ]);
  });

  it('take a pattern that is wild only in region and account for the estate table it names, not another one', () => {
    const estate = emptyEstate();
    estate.resources.push({
      id: 'arn:aws:dynamodb:us-east-1:123456789012:table/todos',
      name: 'todos',
      cloud: 'aws',
      service: 'dynamodb',
      type: 'table',
    });
    estate.policies.push(
      identity(ROLE, 'p', [
        {
          Effect: 'Allow',
          Action: 'dynamodb:*',
          Resource: ['arn:aws:dynamodb:us-east-1:*:table/todos', 'arn:aws:dynamodb:*:*:table/todos-*'],
        },
      ]),
    );
    const keys = createAwsEstateAuthorizer(estate)
      .resources.all()
      .map((k) => k.key)
      .sort();
    expect(keys).toEqual([
      'arn:aws:dynamodb:*:*:table/todos-*',
      'arn:aws:dynamodb:us-east-1:123456789012:table/todos',
    ]);
  });

  it('leave out sub-resources, names of wildcards only, variables and functions', () => {
    expect(
      namedBy([
        {
          Effect: 'Allow',
          Action: '*',
          Resource: [
            'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/*',
            'arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-date',
            'arn:aws:dynamodb:us-east-1:123456789012:table/*',
            'arn:aws:s3:::home-${aws:username}',
            'arn:aws:lambda:us-east-1:123456789012:function:elsewhere',
            '*',
          ],
        },
      ]),
    ).toEqual([]);
  });

  it('take their type from the catalogue', () => {
    expect(resourceTypeOfArn('arn:aws:dynamodb:*:*:table/orders-*')).toBe('table');
    expect(resourceTypeOfArn('arn:aws:dynamodb:us-east-1:1:table/o/stream/2024')).toBe('stream');
    expect(resourceTypeOfArn('arn:aws:s3:::b/k')).toBe('object');
    expect(resourceTypeOfArn('arn:aws:nosuchservice:::x')).toBeUndefined();
  });

  it('give a get-account-authorization-details + list-functions export its reach', () => {
    const loaded = loadEstates(
      ['test/fixtures/scan/cli-resources-from-policies'],
      awsImporters,
      DEFAULT_IMPORT_OPTIONS,
    );
    const estate = mergeEstates(loaded.estates);
    expect(estate.resources).toEqual([]); // the exports list no tables or buckets
    const profile = buildProfile(estate, createAwsEstateAuthorizer(estate));
    const reach = profile.reach.get('arn:aws:lambda:us-east-1:123456789012:function:reporter')!;
    expect(reach.map((e) => `${e.access.action} ${e.access.resource}`).sort()).toEqual([
      'dynamodb:GetItem arn:aws:dynamodb:*:*:table/orders-*',
      'dynamodb:GetItem arn:aws:dynamodb:us-east-1:123456789012:table/customers',
      'dynamodb:PutItem arn:aws:dynamodb:*:*:table/orders-*',
      'dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/ledger-*',
      'dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/ledger-eu',
      's3:PutObject arn:aws:s3:::invoices/*',
    ]);
  });
});

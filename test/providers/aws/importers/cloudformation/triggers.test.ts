import { describe, expect, it } from 'vitest';
import { eventPatternFiredBy } from '../../../../../src/providers/aws/estate/index.js';
import { s3RuleFor } from '../../../../../src/providers/aws/importers/cloudformation/triggers.js';

describe('trigger rules from event configuration', () => {
  it('a pattern whose sources all begin with aws. (literally or as a prefix matcher) fires on no PutEvents', () => {
    expect(eventPatternFiredBy({ source: ['aws.ec2', 'aws.s3'] })).toEqual([]);
    expect(eventPatternFiredBy({ source: [{ prefix: 'aws.' }] })).toEqual([]);
    expect(eventPatternFiredBy('{"source": ["aws.codecommit"]}')).toEqual([]);
  });

  it('any other pattern, or none, fires on PutEvents', () => {
    expect(eventPatternFiredBy({ source: ['aws.ec2', 'com.example'] })).toEqual(['events:PutEvents']);
    expect(eventPatternFiredBy({ source: [{ 'anything-but': 'aws.ec2' }] })).toEqual(['events:PutEvents']);
    expect(eventPatternFiredBy({ 'detail-type': ['x'] })).toEqual(['events:PutEvents']);
    expect(eventPatternFiredBy(undefined)).toEqual(['events:PutEvents']);
  });

  it('S3 event names map to created, removed or any; other families are returned as unmodelled', () => {
    expect(s3RuleFor(['s3:ObjectCreated:Put'])).toEqual({ rule: 's3-created', unmodelled: [] });
    expect(s3RuleFor(['s3:ObjectRemoved:*'])).toEqual({ rule: 's3-removed', unmodelled: [] });
    expect(s3RuleFor(['s3:ObjectCreated:*', 's3:ObjectRemoved:*'])).toEqual({
      rule: 's3-any',
      unmodelled: [],
    });
    expect(s3RuleFor(['s3:ObjectRestore:Completed'])).toEqual({ unmodelled: ['s3:ObjectRestore:Completed'] });
  });
});

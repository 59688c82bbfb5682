/** Building AWS ARNs from names, and reading a resource's service, type and short name back from its ARN. */
import type { Resource } from '../../../model/index.js';
import { splitArn } from '../authorizer/arn.js';

export interface ArnScope {
  partition?: string;
  region: string;
  account: string;
}

const p = (scope: ArnScope): string => scope.partition ?? 'aws';

export const arnOf = {
  function: (s: ArnScope, name: string) => `arn:${p(s)}:lambda:${s.region}:${s.account}:function:${name}`,
  role: (s: ArnScope, name: string, path = '/') => `arn:${p(s)}:iam::${s.account}:role${path}${name}`,
  user: (s: ArnScope, name: string, path = '/') => `arn:${p(s)}:iam::${s.account}:user${path}${name}`,
  group: (s: ArnScope, name: string, path = '/') => `arn:${p(s)}:iam::${s.account}:group${path}${name}`,
  managedPolicy: (s: ArnScope, name: string, path = '/') =>
    `arn:${p(s)}:iam::${s.account}:policy${path}${name}`,
  table: (s: ArnScope, name: string) => `arn:${p(s)}:dynamodb:${s.region}:${s.account}:table/${name}`,
  bucket: (s: ArnScope, name: string) => `arn:${p(s)}:s3:::${name}`,
  queue: (s: ArnScope, name: string) => `arn:${p(s)}:sqs:${s.region}:${s.account}:${name}`,
  topic: (s: ArnScope, name: string) => `arn:${p(s)}:sns:${s.region}:${s.account}:${name}`,
  /** AWS appends six random characters to a secret's name; a name from a template or plan gets `-??????` in their place. */
  secret: (s: ArnScope, name: string) =>
    `arn:${p(s)}:secretsmanager:${s.region}:${s.account}:secret:${name}-??????`,
  stateMachine: (s: ArnScope, name: string) =>
    `arn:${p(s)}:states:${s.region}:${s.account}:stateMachine:${name}`,
  eventBus: (s: ArnScope, name = 'default') =>
    `arn:${p(s)}:events:${s.region}:${s.account}:event-bus/${name}`,
  rule: (s: ArnScope, name: string, bus = 'default') =>
    `arn:${p(s)}:events:${s.region}:${s.account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`,
  stream: (s: ArnScope, name: string) => `arn:${p(s)}:kinesis:${s.region}:${s.account}:stream/${name}`,
  api: (s: ArnScope, apiId: string) => `arn:${p(s)}:execute-api:${s.region}:${s.account}:${apiId}`,
  parameter: (s: ArnScope, name: string) =>
    `arn:${p(s)}:ssm:${s.region}:${s.account}:parameter/${name.replace(/^\//, '')}`,
  key: (s: ArnScope, id: string) => `arn:${p(s)}:kms:${s.region}:${s.account}:key/${id}`,
};

/** A resource type's ARN resource part: `table/Name` → type `table`. Services whose ARNs carry no type prefix map here. */
const UNPREFIXED_TYPES: Record<string, string> = { s3: 'bucket', sqs: 'queue', sns: 'topic' };

/** The normalised Resource for an ARN: service, type and the short name a person uses. */
export function resourceFromArn(arn: string): Resource {
  const parts = splitArn(arn);
  if (!parts) return { id: arn, name: arn, cloud: 'aws', service: 'unknown', type: 'unknown' };
  const [, , service, region, account, rest] = parts as [string, string, string, string, string, string];
  let type = UNPREFIXED_TYPES[service] ?? 'resource';
  let name = rest;
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  if (service === 's3') {
    type = slash >= 0 ? 'object' : 'bucket';
  } else if (!UNPREFIXED_TYPES[service]) {
    const cut = slash >= 0 && (colon < 0 || slash < colon) ? slash : colon;
    if (cut >= 0) {
      type = rest.slice(0, cut);
      name = rest.slice(cut + 1);
    }
  }
  // Lambda function ARNs may carry a version or alias; both are part of the name here.
  if (service === 'iam') name = name.slice(name.lastIndexOf('/') + 1);
  if (service === 'secretsmanager') name = name.replace(/-\?{6}$/, '');
  return {
    id: arn,
    name,
    cloud: 'aws',
    service,
    type,
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
  };
}

/**
 * Resources named only inside policies. CLI exports (`get-account-authorization-details`, `list-functions`) carry no
 * inventory: tables, buckets and queues appear only in the Resource (and NotResource) elements of identity, boundary and resource
 * policies. Each one the estate does not already hold becomes a resource, so reach to it is found; a wildcard ARN
 * (`arn:aws:dynamodb:*:*:table/orders-*`) becomes one pattern resource whose id is the pattern. The authorizer
 * matches a pattern id as text, so a Deny applies to it when its own pattern covers every name the id can take.
 */
import type { Estate, Resource } from '../../../model/index.js';
import { globMatcher, isNamePattern, splitArn } from '../authorizer/index.js';
import { resourceTypeOfArn } from '../catalog/index.js';
import { RESOURCE_ACTIONS, resourceFromArn } from '../estate/index.js';
import type { EstatePolicies } from './estatePolicies.js';

const WILDCARD = /[*?]/;

/** The resource a Resource pattern names, as an id: S3 object keys name their bucket (keys are indexed apart). */
function resourceIdOf(pattern: string): string | undefined {
  const parts = splitArn(pattern);
  if (!parts) return undefined;
  const [, , service, region, account, rest] = parts as [string, string, string, string, string, string];
  if (service === '' || WILDCARD.test(service)) return undefined;
  if (service === 's3' && region === '' && account === '') {
    const slash = rest.indexOf('/');
    return slash < 0 ? pattern : pattern.slice(0, pattern.length - rest.length + slash);
  }
  return pattern;
}

/** The Resource for an id, when it is of a type ares follows; undefined for sub-resources and unfollowed types. */
function followedResource(id: string): Resource | undefined {
  const resource = resourceFromArn(id);
  // Functions are the estate's own nodes; a function known only by a policy has no role to follow.
  if (resource.service === 'lambda' || !RESOURCE_ACTIONS[`${resource.service}/${resource.type}`])
    return undefined;
  // `table/orders/stream/*` reads as a table to `resourceFromArn`; the catalogue knows it is a stream.
  if (resourceTypeOfArn(id)?.toLowerCase() !== resource.type.toLowerCase()) return undefined;
  // A name of wildcards only (`table/*`) names every resource of the type: no resource of its own.
  if (resource.name.replace(/[*?]/g, '') === '') return undefined;
  const { account, region, ...rest } = resource;
  return {
    ...rest,
    ...(account && !WILDCARD.test(account) ? { account } : {}),
    ...(region && !WILDCARD.test(region) ? { region } : {}),
  };
}

/** Resources that the estate's policies name and the estate does not hold, each once, in the order first named. */
export function resourcesFromPolicies(estate: Estate, policies: EstatePolicies): Resource[] {
  const known = new Set<string>([...estate.resources.map((r) => r.id), ...estate.functions.map((f) => f.id)]);
  // A concrete name a policy gives a resource whose name CloudFormation generates (`shop-Table-1A2B3C`) is that
  // resource as deployed, not another one.
  const generated = estate.resources.filter((r) => isNamePattern(r.id)).map((r) => globMatcher(r.id));
  const found = new Map<string, Resource>();
  for (const attachment of estate.policies) {
    if (attachment.type === 'trust') continue;
    const policy = policies.compile(attachment);
    for (const statement of policy?.statements ?? []) {
      // NotResource names resources too (those a statement leaves out); a variable's value is not known here.
      for (const pattern of statement.resources ?? []) {
        if (pattern.variables) continue;
        const id = resourceIdOf(pattern.source);
        if (id === undefined || known.has(id) || found.has(id)) continue;
        if (!WILDCARD.test(id) && generated.some((matches) => matches(id))) continue;
        // `arn:aws:dynamodb:*:*:table/orders` names the estate's table `orders` in any region or account: that
        // table, not another resource (a wildcard in the name itself still stands for names the estate lacks).
        if (namesKnownResource(id, estate.resources)) continue;
        const resource = followedResource(id);
        if (resource)
          found.set(id, attachment.source ? { ...resource, source: attachment.source } : resource);
      }
    }
  }
  return [...found.values()];
}

/** Whether a pattern with wildcards only in its region and account segments matches a resource of the estate. */
function namesKnownResource(id: string, resources: readonly Resource[]): boolean {
  const parts = splitArn(id);
  if (!parts || !WILDCARD.test(id) || WILDCARD.test(parts[5] as string)) return false;
  const segment = (pattern: string, value: string): boolean => pattern === '*' || pattern === value;
  return resources.some((r) => {
    const known = splitArn(r.id);
    return (
      known !== undefined &&
      known[2] === parts[2] &&
      known[5] === parts[5] &&
      segment(parts[3] as string, known[3] as string) &&
      segment(parts[4] as string, known[4] as string)
    );
  });
}

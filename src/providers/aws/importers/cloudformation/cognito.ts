/**
 * `AWS::Cognito::IdentityPoolRoleAttachment`: the roles a Cognito identity pool hands its identities. Each becomes a
 * requester (`cognito:<pool> (authenticated)`) acting with the role's policies, whatever the role's trust policy
 * says (the trust policy's own Cognito conditions are read by the estate authorizer too; the ids agree).
 */
import { actingRequesterId, cognitoParty } from '../../estate/requesterIds.js';
import type { ImportContext } from './context.js';
import type { Path } from './path.js';
import { isRecord, isSymbolic, type TemplateResource } from './resolver.js';
import { optionalString } from './values.js';

function addIdentity(ctx: ImportContext, party: string, roleArn: string | undefined, path: Path): void {
  if (roleArn === undefined || !roleArn.startsWith('arn:') || isSymbolic(roleArn)) {
    ctx.info(path, `the role of ${party} cannot be resolved; that identity is not a requester`);
    return;
  }
  ctx.builder.addPrincipal({
    id: actingRequesterId(party, roleArn),
    name: party,
    cloud: 'aws',
    kind: 'federated',
    actsAs: roleArn,
    source: ctx.sourceAt(path),
  });
}

export function importIdentityPoolRoleAttachment(
  ctx: ImportContext,
  _logicalId: string,
  resource: TemplateResource,
): void {
  const base = [...resource.path, 'Properties'];
  const prop = (key: string): unknown => ctx.resolve(resource.properties[key], [...base, key]);
  const poolId = optionalString(prop('IdentityPoolId'));
  const pool = poolId !== undefined && !isSymbolic(poolId) ? poolId : undefined;
  const roles = prop('Roles');
  if (isRecord(roles)) {
    for (const amr of ['authenticated', 'unauthenticated']) {
      if (roles[amr] === undefined) continue;
      addIdentity(ctx, cognitoParty(pool, amr), optionalString(roles[amr]), [...base, 'Roles', amr]);
    }
  }
  const mappings = prop('RoleMappings');
  if (!isRecord(mappings)) return;
  for (const [key, mapping] of Object.entries(mappings)) {
    if (!isRecord(mapping)) continue;
    const path = [...base, 'RoleMappings', key];
    const rules = isRecord(mapping.RulesConfiguration) ? mapping.RulesConfiguration.Rules : undefined;
    if (!Array.isArray(rules)) {
      // Type Token: the role comes from the identity provider's token (cognito:roles), which the template does not say.
      ctx.info(
        path,
        'a token-based role mapping picks roles from the identity token; those roles are not known here',
      );
      continue;
    }
    rules.forEach((rule: unknown, i) => {
      if (!isRecord(rule)) return;
      const claim = [rule.Claim, rule.MatchType, rule.Value].map((v) => optionalString(v) ?? '?').join(' ');
      addIdentity(ctx, cognitoParty(pool, `authenticated, ${claim}`), optionalString(rule.RoleARN), [
        ...path,
        'RulesConfiguration',
        'Rules',
        i,
      ]);
    });
  }
}

/**
 * The resources of a template as the importer sees them: SAM Globals merged into each Serverless resource,
 * and the resources SAM generates (function roles, implicit APIs) added so `Ref`/`GetAtt` to them resolve.
 */
import type { Path } from './path.js';
import { intrinsicName, isRecord, type TemplateResource } from './resolver.js';
import { GENERATED_ROLE_SUFFIX } from './samRoles.js';
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API } from './samEvents.js';

/** Globals section → the resource type it applies to. */
const GLOBAL_SECTIONS: Record<string, string> = {
  Function: 'AWS::Serverless::Function',
  Api: 'AWS::Serverless::Api',
  HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable',
  StateMachine: 'AWS::Serverless::StateMachine',
};

const isPlainMap = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && !intrinsicName(value);

/** SAM's merge: maps merge key by key, lists concatenate (globals first), anything else the resource's value wins. */
export function mergeGlobals(global: unknown, local: unknown): unknown {
  if (local === undefined) return global;
  if (isPlainMap(global) && isPlainMap(local)) {
    const out: Record<string, unknown> = { ...global };
    for (const [key, value] of Object.entries(local)) out[key] = mergeGlobals(global[key], value);
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
}

export interface TemplateResourcesInput {
  resources: Record<string, unknown>;
  resourcesPath: Path;
  globals?: unknown;
  error: (path: Path, message: string, severity?: 'info') => void;
}

export function templateResources(input: TemplateResourcesInput): Map<string, TemplateResource> {
  const globals = isRecord(input.globals) ? input.globals : {};
  const globalsByType = new Map<string, Record<string, unknown>>();
  for (const [section, type] of Object.entries(GLOBAL_SECTIONS)) {
    if (isPlainMap(globals[section])) globalsByType.set(type, globals[section] as Record<string, unknown>);
  }
  const out = new Map<string, TemplateResource>();
  for (const [logicalId, declaration] of Object.entries(input.resources)) {
    const path = [...input.resourcesPath, logicalId];
    if (!isRecord(declaration) || typeof declaration.Type !== 'string') {
      if (typeof declaration === 'string')
        input.error(path, `resource is in another file (${declaration}); not read`, 'info');
      else input.error(path, 'resource has no Type');
      continue;
    }
    let properties: unknown = declaration.Properties ?? {};
    if (!isPlainMap(properties)) {
      input.error([...path, 'Properties'], 'Properties is not a map; the resource is skipped');
      continue;
    }
    // CloudFormation treats a property set to null as absent.
    properties = Object.fromEntries(
      Object.entries(properties as Record<string, unknown>).filter(([, v]) => v !== null),
    );
    const global = globalsByType.get(declaration.Type);
    if (global) properties = mergeGlobals(global, properties);
    out.set(logicalId, {
      type: declaration.Type,
      properties: properties as Record<string, unknown>,
      ...(typeof declaration.Condition === 'string' ? { condition: declaration.Condition } : {}),
      path,
    });
  }
  addSamGeneratedResources(out, globalsByType);
  return out;
}

function addSamGeneratedResources(
  resources: Map<string, TemplateResource>,
  globalsByType: Map<string, Record<string, unknown>>,
): void {
  for (const [logicalId, resource] of [...resources]) {
    const ownsRole =
      resource.type === 'AWS::Serverless::Function' || resource.type === 'AWS::Serverless::StateMachine';
    const roleId = `${logicalId}${GENERATED_ROLE_SUFFIX}`;
    if (ownsRole && resource.properties.Role === undefined && !resources.has(roleId)) {
      const rolePath = resource.properties.RolePath;
      resources.set(roleId, {
        type: 'AWS::IAM::Role',
        properties: rolePath === undefined ? {} : { Path: rolePath },
        path: resource.path,
        generated: true,
      });
    }
  }
  const implicit: [string, string][] = [
    [IMPLICIT_REST_API, 'AWS::Serverless::Api'],
    [IMPLICIT_HTTP_API, 'AWS::Serverless::HttpApi'],
  ];
  for (const [logicalId, type] of implicit) {
    if (!resources.has(logicalId)) {
      resources.set(logicalId, {
        type,
        properties: globalsByType.get(type) ?? {},
        path: ['Globals'],
        generated: true,
      });
    }
  }
}

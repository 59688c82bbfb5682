/** Recognising a CloudFormation or SAM template by its content, whatever the file is called. */
import { isRecord } from './resolver.js';

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export function isCloudFormationTemplate(value: unknown): boolean {
  if (!isRecord(value)) return false;
  // A Serverless Framework file nests CloudFormation under `resources`; it is not a template itself.
  if ('service' in value && 'provider' in value) return false;
  if ('AWSTemplateFormatVersion' in value) return true;
  const transform = value.Transform;
  const transforms = Array.isArray(transform) ? transform : [transform];
  if (transforms.some((t) => t === SAM_TRANSFORM)) return true;
  const resources = value.Resources;
  if (!isRecord(resources)) return false;
  return Object.values(resources).some(
    (r) => isRecord(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::'),
  );
}

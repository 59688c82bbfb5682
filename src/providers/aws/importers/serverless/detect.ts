/** Recognising a Serverless Framework configuration for AWS (`service` and `provider: aws`). */
import { isRecord } from '../cloudformation/index.js';

export function isServerlessAwsConfig(value: unknown): boolean {
  if (!isRecord(value) || !('service' in value) || !('provider' in value)) return false;
  const provider = value.provider;
  const name = isRecord(provider) ? provider.name : provider;
  return name === 'aws';
}

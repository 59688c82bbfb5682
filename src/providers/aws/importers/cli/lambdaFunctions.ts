/**
 * `aws lambda list-functions`, `get-function` and `get-function-configuration`: the functions, each running as its
 * execution role. A function listed once per version (`--function-version ALL`) is one FunctionNode, from the first
 * entry. A dead-letter target counts as an asynchronous destination.
 */
import type { Estate, FunctionNode } from '../../../../model/index.js';
import { arnOf } from '../../estate/index.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { functionArnParts } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { arrayField, isRecord, isRecordListWith, stringField, type JsonRecord } from '../common/json.js';

export const listFunctionsImporter: Importer = {
  name: 'aws-cli:list-functions',
  detect: (input: ImportInput) =>
    isRecord(input.parsed) && isRecordListWith(input.parsed.Functions, ['FunctionArn', 'FunctionName']),
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    arrayField(input.parsed as JsonRecord, 'Functions').forEach((config, i) =>
      readFunctionConfiguration(builder, options, config, `Functions[${i}]`),
    );
    return builder.estate;
  },
};

/** get-function wraps the configuration in `Configuration`; get-function-configuration prints it bare. */
function singleConfiguration(parsed: unknown): { config: JsonRecord; path?: string } | undefined {
  if (!isRecord(parsed)) return undefined;
  if (isRecord(parsed.Configuration) && isFunctionConfiguration(parsed.Configuration)) {
    return { config: parsed.Configuration, path: 'Configuration' };
  }
  return isFunctionConfiguration(parsed) ? { config: parsed } : undefined;
}

function isFunctionConfiguration(record: JsonRecord): boolean {
  return (
    typeof record.FunctionName === 'string' && typeof record.FunctionArn === 'string' && 'Role' in record
  );
}

export const getFunctionImporter: Importer = {
  name: 'aws-cli:get-function',
  detect: (input: ImportInput) => singleConfiguration(input.parsed) !== undefined,
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    const single = singleConfiguration(input.parsed);
    if (single) readFunctionConfiguration(builder, options, single.config, single.path);
    return builder.estate;
  },
};

function readFunctionConfiguration(
  builder: EstateBuilder,
  options: ImportOptions,
  config: unknown,
  path: string | undefined,
): void {
  const where = path ?? '$';
  if (!isRecord(config)) {
    builder.error('function configuration is not an object', where);
    return;
  }
  const arnField = stringField(config, 'FunctionArn');
  const parts = arnField ? functionArnParts(arnField) : undefined;
  if (arnField && !parts) {
    builder.error(`FunctionArn ${arnField} is not a Lambda function ARN`, where);
    return;
  }
  const name = stringField(config, 'FunctionName') ?? parts?.name;
  if (!name) {
    builder.error('function has neither FunctionArn nor FunctionName', where);
    return;
  }
  const id = parts?.arn ?? arnOf.function(options, name);
  const [, , , region, account] = id.split(':');
  const fn: FunctionNode = { id, name, cloud: 'aws', source: builder.at(path) };
  const role = stringField(config, 'Role');
  if (role) fn.identity = role;
  else builder.error('function has no Role (execution role)', where);
  const runtime = stringField(config, 'Runtime');
  if (runtime) fn.runtime = runtime;
  const handler = stringField(config, 'Handler');
  if (handler) fn.handler = handler;
  if (account) fn.account = account;
  if (region) fn.region = region;
  const deadLetter = isRecord(config.DeadLetterConfig)
    ? stringField(config.DeadLetterConfig, 'TargetArn')
    : undefined;
  if (deadLetter) fn.destinations = [deadLetter];
  builder.addFunction(fn);
}

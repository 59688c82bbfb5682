/**
 * `aws s3api get-bucket-notification-configuration --bucket B`: the output does not name the bucket, so the file's
 * base name is the bucket (the issue contract). Each Lambda configuration becomes an s3-created, s3-removed or s3-any
 * trigger by its Events. Queue, topic and EventBridge deliveries chain to other sources and are noted.
 */
import type { Estate } from '../../../../model/index.js';
import { arnOf, resourceFromArn } from '../../estate/index.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { functionArnParts, s3RuleOf, triggerOf } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import {
  arrayField,
  isRecord,
  isRecordListWith,
  stringField,
  stringList,
  subjectFromFileName,
  type JsonRecord,
} from '../common/json.js';

const CONFIGURATION_LISTS = ['LambdaFunctionConfigurations', 'QueueConfigurations', 'TopicConfigurations'];

export const bucketNotificationsImporter: Importer = {
  name: 'aws-cli:get-bucket-notification-configuration',
  detect: (input: ImportInput) => {
    const root = input.parsed;
    if (!isRecord(root)) return false;
    const lists = CONFIGURATION_LISTS.filter((key) => key in root);
    const eventBridge = 'EventBridgeConfiguration' in root && isRecord(root.EventBridgeConfiguration);
    return (lists.length > 0 || eventBridge) && lists.every((key) => isRecordListWith(root[key], ['Events']));
  },
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    const root = input.parsed as JsonRecord;
    const bucket = arnOf.bucket(options, subjectFromFileName(input.file));
    builder.addResource({ ...resourceFromArn(bucket), source: builder.at() });
    arrayField(root, 'LambdaFunctionConfigurations').forEach((config, i) =>
      readLambdaConfiguration(builder, bucket, config, `LambdaFunctionConfigurations[${i}]`),
    );
    for (const [list, key] of [
      ['QueueConfigurations', 'QueueArn'],
      ['TopicConfigurations', 'TopicArn'],
    ] as const) {
      arrayField(root, list).forEach((config, i) => {
        const to = isRecord(config) ? stringField(config, key) : undefined;
        builder.info(
          `bucket notifies ${to ?? '?'}; bucket → queue/topic chains are not modelled`,
          `${list}[${i}]`,
        );
      });
    }
    if (isRecord(root.EventBridgeConfiguration)) {
      builder.info(
        'bucket sends its events to the default event bus; bucket → bus chains are not modelled',
        'EventBridgeConfiguration',
      );
    }
    return builder.estate;
  },
};

function readLambdaConfiguration(
  builder: EstateBuilder,
  bucket: string,
  config: unknown,
  path: string,
): void {
  if (!isRecord(config)) {
    builder.error('notification configuration is not an object', path);
    return;
  }
  const functionArn = stringField(config, 'LambdaFunctionArn');
  const target = functionArn ? functionArnParts(functionArn) : undefined;
  if (!target) {
    builder.error(`LambdaFunctionArn ${functionArn ?? '(missing)'} is not a Lambda function ARN`, path);
    return;
  }
  const { rule, other } = s3RuleOf(stringList(config.Events));
  if (other.length > 0) {
    builder.info(`events ${other.join(', ')} fire no modelled trigger`, `${path}.Events`);
  }
  if (rule) builder.addTrigger(triggerOf(rule, bucket, target.arn, builder.at(path)));
}

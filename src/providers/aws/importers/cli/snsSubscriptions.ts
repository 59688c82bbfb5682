/**
 * `aws sns list-subscriptions` (or `list-subscriptions-by-topic`): topics whose `lambda` subscriptions trigger
 * functions. Subscriptions of other protocols deliver elsewhere; an `sqs` one chains topic → queue, which the
 * Trigger model cannot express yet, so it is noted.
 */
import type { Estate } from '../../../../model/index.js';
import { resourceFromArn } from '../../estate/index.js';
import type { Importer, ImportInput } from '../importer.js';
import { functionArnParts, triggerOf } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { arrayField, isRecord, isRecordListWith, stringField, type JsonRecord } from '../common/json.js';

export const snsSubscriptionsImporter: Importer = {
  name: 'aws-cli:list-subscriptions',
  detect: (input: ImportInput) =>
    isRecord(input.parsed) && isRecordListWith(input.parsed.Subscriptions, ['TopicArn', 'Protocol']),
  import: (input: ImportInput): Estate => {
    const builder = new EstateBuilder(input.file);
    arrayField(input.parsed as JsonRecord, 'Subscriptions').forEach((s, i) =>
      readSubscription(builder, s, `Subscriptions[${i}]`),
    );
    return builder.estate;
  },
};

function readSubscription(builder: EstateBuilder, subscription: unknown, path: string): void {
  if (!isRecord(subscription)) {
    builder.error('subscription is not an object', path);
    return;
  }
  const protocol = stringField(subscription, 'Protocol');
  const topic = stringField(subscription, 'TopicArn');
  const endpoint = stringField(subscription, 'Endpoint');
  if (protocol === 'sqs') {
    builder.info(
      `topic ${topic ?? '?'} delivers to queue ${endpoint ?? '?'}; topic → queue chains are not modelled`,
      path,
    );
    return;
  }
  if (protocol !== 'lambda') return;
  const target = endpoint ? functionArnParts(endpoint) : undefined;
  if (!topic || !target) {
    builder.error(`lambda subscription needs a TopicArn and a function ARN Endpoint`, path);
    return;
  }
  builder.addResource({ ...resourceFromArn(topic), source: builder.at(path) });
  builder.addTrigger(triggerOf('sns', topic, target.arn, builder.at(path)));
}

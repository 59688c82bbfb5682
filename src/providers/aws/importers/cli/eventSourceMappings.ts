/**
 * `aws lambda list-event-source-mappings` (and a single `get-event-source-mapping`): queues, Kinesis streams and
 * DynamoDB streams that trigger functions. A DynamoDB stream's source is its table: whoever writes the table fires
 * the function. Disabled mappings fire nothing and are left out with a note; other sources (Kafka, MQ,
 * DocumentDB) are not modelled.
 */
import type { Estate } from '../../../../model/index.js';
import { resourceFromArn } from '../../estate/index.js';
import type { Importer, ImportInput } from '../importer.js';
import { eventSourceOf, functionArnParts, triggerOf } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { filterPatternsOf } from '../common/filterCriteria.js';
import { arrayField, isRecord, isRecordListWith, stringField, type JsonRecord } from '../common/json.js';

const INACTIVE_STATES = new Set(['Disabled', 'Disabling']);

function isSingleMapping(record: JsonRecord): boolean {
  return typeof record.UUID === 'string' && typeof record.FunctionArn === 'string';
}

export const eventSourceMappingsImporter: Importer = {
  name: 'aws-cli:list-event-source-mappings',
  detect: (input: ImportInput) =>
    isRecord(input.parsed) &&
    (isRecordListWith(input.parsed.EventSourceMappings, ['FunctionArn', 'EventSourceArn']) ||
      isSingleMapping(input.parsed)),
  import: (input: ImportInput): Estate => {
    const builder = new EstateBuilder(input.file);
    const root = input.parsed as JsonRecord;
    if (isSingleMapping(root)) readMapping(builder, root, '$');
    else
      arrayField(root, 'EventSourceMappings').forEach((m, i) =>
        readMapping(builder, m, `EventSourceMappings[${i}]`),
      );
    return builder.estate;
  },
};

function readMapping(builder: EstateBuilder, mapping: unknown, path: string): void {
  if (!isRecord(mapping)) {
    builder.error('event source mapping is not an object', path);
    return;
  }
  const functionArn = stringField(mapping, 'FunctionArn');
  const target = functionArn ? functionArnParts(functionArn) : undefined;
  if (!target) {
    builder.error(`FunctionArn ${functionArn ?? '(missing)'} is not a Lambda function ARN`, path);
    return;
  }
  const sourceArn = stringField(mapping, 'EventSourceArn');
  if (!sourceArn) {
    builder.info('mapping has no EventSourceArn (self-managed Kafka or similar); not modelled', path);
    return;
  }
  const source = eventSourceOf(sourceArn);
  if (!source) {
    builder.info(
      `event source ${sourceArn} is not a queue, Kinesis stream or DynamoDB stream; not modelled`,
      path,
    );
    return;
  }
  const state = stringField(mapping, 'State');
  if (state && INACTIVE_STATES.has(state)) {
    builder.info(`mapping from ${sourceArn} is ${state}; no trigger`, path);
    return;
  }
  builder.addResource({ ...resourceFromArn(source.source), source: builder.at(path) });
  const trigger = triggerOf(source.rule, source.source, target.arn, builder.at(path));
  const filters = filterPatternsOf(mapping.FilterCriteria);
  builder.addTrigger(filters ? { ...trigger, filters } : trigger);
}

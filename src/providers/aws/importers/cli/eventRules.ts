/**
 * `aws events list-rules` and `aws events list-targets-by-rule --rule R`. The rules list gives each rule as a
 * Resource (type `rule`; its ARN spells the bus for rules on a custom bus). A targets file does not name its rule:
 * the file's base name is the rule (the issue contract), taken to be on the default bus; its function targets become
 * eventbridge triggers whose source is that rule's ARN, for the profile to resolve to the rule's bus (or to a
 * schedule) with the rules list.
 */
import type { Estate } from '../../../../model/index.js';
import { arnOf, resourceFromArn } from '../../estate/index.js';
import type { Importer, ImportInput, ImportOptions } from '../importer.js';
import { functionArnParts, triggerOf } from '../common/awsLinks.js';
import { EstateBuilder } from '../common/estateBuilder.js';
import { arrayField, isRecord, stringField, subjectFromFileName, type JsonRecord } from '../common/json.js';

function isRuleList(value: unknown): boolean {
  if (!Array.isArray(value) || !value.every(isRecord)) return false;
  // S3 lifecycle and ELB listeners also print `Rules`; EventBridge rules have a Name and a pattern, schedule or bus.
  return (
    value.length > 0 &&
    value.every(
      (rule) =>
        typeof rule.Name === 'string' &&
        ('EventPattern' in rule ||
          'ScheduleExpression' in rule ||
          'EventBusName' in rule ||
          (typeof rule.Arn === 'string' && rule.Arn.includes(':events:'))),
    )
  );
}

export const listRulesImporter: Importer = {
  name: 'aws-cli:list-rules',
  detect: (input: ImportInput) => isRecord(input.parsed) && isRuleList(input.parsed.Rules),
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    arrayField(input.parsed as JsonRecord, 'Rules').forEach((rule, i) => {
      const path = `Rules[${i}]`;
      const name = isRecord(rule) ? stringField(rule, 'Name') : undefined;
      if (!isRecord(rule) || !name) {
        builder.error('rule has no Name', path);
        return;
      }
      const busName = stringField(rule, 'EventBusName') ?? 'default';
      const bus = busName.startsWith('arn:') ? busName : arnOf.eventBus(options, busName);
      const arn = stringField(rule, 'Arn') ?? arnOf.rule(options, name, bus.slice(bus.lastIndexOf('/') + 1));
      builder.addResource({ ...resourceFromArn(bus), source: builder.at(path) });
      const pattern = stringField(rule, 'EventPattern');
      if (pattern !== undefined) {
        try {
          JSON.parse(pattern);
        } catch {
          builder.error('EventPattern is not valid JSON', `${path}.EventPattern`);
        }
      }
      const schedule = stringField(rule, 'ScheduleExpression');
      builder.addResource({
        ...resourceFromArn(arn),
        name,
        eventRule: {
          bus,
          enabled: stringField(rule, 'State') !== 'DISABLED',
          ...(pattern !== undefined ? { pattern } : {}),
          ...(schedule !== undefined ? { schedule } : {}),
        },
        source: builder.at(path),
      });
    });
    return builder.estate;
  },
};

export const listTargetsByRuleImporter: Importer = {
  name: 'aws-cli:list-targets-by-rule',
  detect: (input: ImportInput) => {
    const targets = isRecord(input.parsed) ? input.parsed.Targets : undefined;
    return (
      Array.isArray(targets) &&
      targets.every((t) => isRecord(t) && typeof t.Arn === 'string' && typeof t.Id === 'string')
    );
  },
  import: (input: ImportInput, options: ImportOptions): Estate => {
    const builder = new EstateBuilder(input.file);
    const ruleName = subjectFromFileName(input.file);
    const rule = arnOf.rule(options, ruleName);
    let triggers = 0;
    arrayField(input.parsed as JsonRecord, 'Targets').forEach((target, i) => {
      const path = `Targets[${i}]`;
      const arn = isRecord(target) ? stringField(target, 'Arn') : undefined;
      const fn = arn ? functionArnParts(arn) : undefined;
      if (!fn) {
        builder.info(`rule ${ruleName} targets ${arn ?? '?'}; only function targets are modelled`, path);
        return;
      }
      builder.addTrigger(triggerOf('eventbridge', rule, fn.arn, builder.at(path)));
      triggers++;
    });
    if (triggers > 0) {
      builder.info(
        `triggers' source is rule ${rule} (named by the file, assumed on the default bus); its bus, pattern or schedule come from list-rules`,
      );
    }
    return builder.estate;
  },
};

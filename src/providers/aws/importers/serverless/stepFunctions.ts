/**
 * State machines of the serverless-step-functions plugin (`stepFunctions.stateMachines`): resolvable by their
 * logical id, and a `state-machine` trigger for each function their Task states invoke. In the plugin a
 * definition names functions by their key (`Fn::GetAtt: [hello, Arn]`); those are mapped to the function.
 */
import { resourceFromArn } from '../../estate/index.js';
import { isRecord, type ImportContext, type TemplateResource } from '../cloudformation/index.js';
import { invokedFunctions } from '../cloudformation/stepFunctions.js';
import { addTrigger } from '../cloudformation/triggers.js';
import { functionIdOf } from '../cloudformation/values.js';
import { normalizedFunctionName, type ServerlessApp } from './app.js';

interface PluginStateMachine {
  key: string;
  logicalId: string;
  config: Record<string, unknown>;
  path: (string | number)[];
}

function stateMachines(app: ServerlessApp): PluginStateMachine[] {
  const section = isRecord(app.doc.stepFunctions) ? app.doc.stepFunctions.stateMachines : undefined;
  if (!isRecord(section)) return [];
  return Object.entries(section).flatMap(([key, config]) => {
    if (!isRecord(config)) return [];
    const custom =
      typeof config.id === 'string' ? config.id : typeof config.name === 'string' ? config.name : undefined;
    const logicalId = custom
      ? normalizedFunctionName(custom)
      : `${normalizedFunctionName(key)}StepFunctionsStateMachine`;
    return [{ key, logicalId, config, path: ['stepFunctions', 'stateMachines', key] }];
  });
}

export function addPluginStateMachines(resources: Map<string, TemplateResource>, app: ServerlessApp): void {
  for (const sm of stateMachines(app)) {
    if (resources.has(sm.logicalId)) continue;
    const name = typeof sm.config.name === 'string' ? sm.config.name : sm.logicalId;
    resources.set(sm.logicalId, {
      type: 'AWS::StepFunctions::StateMachine',
      properties: { StateMachineName: name },
      path: sm.path,
      generated: true,
    });
  }
}

/** `Fn::GetAtt: [hello, Arn]` and `Ref: hello` with a function key → the function's logical id. */
function mapFunctionKeys(value: unknown, app: ServerlessApp): unknown {
  const logicalId = (key: unknown): unknown =>
    typeof key === 'string' && app.functions.some((fn) => fn.key === key)
      ? `${normalizedFunctionName(key)}LambdaFunction`
      : key;
  if (Array.isArray(value)) return value.map((item) => mapFunctionKeys(item, app));
  if (!isRecord(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && Object.keys(value).length === 1)
    return { 'Fn::GetAtt': [logicalId(getAtt[0]), ...getAtt.slice(1)] };
  if (typeof value.Ref === 'string' && Object.keys(value).length === 1) return { Ref: logicalId(value.Ref) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapFunctionKeys(v, app)]));
}

export function importPluginStateMachines(ctx: ImportContext, app: ServerlessApp): void {
  for (const sm of stateMachines(app)) {
    const arn = ctx.resolver.arnOf(sm.logicalId);
    if (!arn) continue;
    ctx.builder.addResource({ ...resourceFromArn(arn), source: ctx.sourceAt(sm.path) }, true);
    const path = [...sm.path, 'definition'];
    const definition = ctx.resolve(mapFunctionKeys(sm.config.definition, app), path);
    if (!isRecord(definition)) {
      ctx.info(path, 'the definition is in another file; the functions it invokes are not read');
      continue;
    }
    for (const fn of invokedFunctions(definition))
      addTrigger(ctx, 'state-machine', arn, functionIdOf(ctx, fn), path);
  }
}

/**
 * aws_sfn_state_machine: the functions its definition invokes, each triggered by whoever may start an execution.
 * Task states name a function directly (`Resource: <function ARN>`) or through the `lambda:invoke` integration
 * (`Parameters.FunctionName` / JSONata `Arguments.FunctionName`), inside Parallel branches and Map processors too.
 * A definition unknown until apply falls back to the functions its configuration refers to.
 */
import { triggerOf } from '../common/awsLinks.js';
import { isRecord, type JsonRecord } from '../common/json.js';
import type { TfContext } from './context.js';
import { importResource } from './eventSources.js';
import type { TfResource } from './showJson.js';

const LAMBDA_INVOKE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;

/** The function references (ARNs or names) the Task states of a definition invoke, and the dynamic ones it cannot. */
export function invokedFunctions(definition: unknown): { functions: string[]; dynamic: number } {
  const functions: string[] = [];
  let dynamic = 0;
  const visitStates = (states: unknown): void => {
    if (!isRecord(states)) return;
    for (const state of Object.values(states)) {
      if (!isRecord(state)) continue;
      visitState(state);
    }
  };
  const visitMachine = (machine: unknown): void => {
    if (isRecord(machine)) visitStates(machine.States);
  };
  const visitState = (state: JsonRecord): void => {
    const resource = state.Resource;
    if (state.Type === 'Task' && typeof resource === 'string') {
      if (resource.includes(':lambda:') && resource.includes(':function:')) functions.push(resource);
      else if (LAMBDA_INVOKE.test(resource)) {
        const args = isRecord(state.Parameters)
          ? state.Parameters
          : isRecord(state.Arguments)
            ? state.Arguments
            : {};
        const name = args.FunctionName;
        if (typeof name === 'string' && !name.startsWith('{%')) functions.push(name);
        else dynamic++;
      }
    }
    if (Array.isArray(state.Branches)) state.Branches.forEach(visitMachine);
    visitMachine(state.Iterator);
    visitMachine(state.ItemProcessor);
  };
  visitMachine(definition);
  return { functions, dynamic };
}

export function importStateMachine(ctx: TfContext, resource: TfResource): void {
  importResource(ctx, resource);
  const identity = ctx.identity(resource);
  if (!identity) return;
  const at = ctx.builder.at(`${resource.address}.definition`);
  const definition = resource.values.definition;
  if (typeof definition === 'string' && definition.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch {
      ctx.builder.error('definition is not valid JSON', resource.address);
      return;
    }
    const { functions, dynamic } = invokedFunctions(parsed);
    for (const ref of functions) {
      const fn = ctx.readFunction(ref, resource);
      if (fn) ctx.builder.addTrigger(triggerOf('state-machine', identity.id, fn, at));
    }
    if (dynamic > 0) {
      ctx.builder.info(
        `${dynamic} lambda:invoke task(s) choose the function at run time; not linked`,
        resource.address,
      );
    }
    return;
  }
  const resolution = ctx.resolver.resolve(resource, ['definition']);
  const referenced = (resolution?.resources ?? []).filter((r) => r.type === 'aws_lambda_function');
  for (const fn of referenced) {
    const id = ctx.identity(fn)?.id;
    if (id) ctx.builder.addTrigger(triggerOf('state-machine', identity.id, id, at));
  }
  ctx.builder.info(
    referenced.length > 0
      ? `definition is unknown until apply; triggers inferred from the functions it refers to (${referenced.map((r) => r.address).join(', ')})`
      : 'definition is unknown until apply; no function linked',
    resource.address,
  );
}

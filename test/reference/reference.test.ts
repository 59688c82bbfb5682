/**
 * The indexed bypass search against the reference (brute-force) search on a few hundred generated estates: the
 * same bypass set, exactly; the same set through the findings (so each finding's actions are those that reach its
 * resource); and every index a superset of what the engine allows ("may over-approximate, never miss").
 */
import { describe, expect, it } from 'vitest';
import { bypassFindings } from '../../src/findings/index.js';
import { buildProfile, denialClassOf, findBypassPaths } from '../../src/profile/index.js';
import { createAwsEstateAuthorizer } from '../../src/providers/aws/estateAuthorizer/index.js';
import { generateEstate } from './generateEstate.js';
import { referenceSearch, tuple, universe, type BypassTuple } from './referenceSearch.js';

/** A few hundred in CI; `ARES_REFERENCE_ESTATES=5000` searches harder. */
const ESTATES = Number(process.env.ARES_REFERENCE_ESTATES ?? 400);

describe('the indexed bypass search', () => {
  it(
    `reports exactly the reference search's bypasses on ${ESTATES} generated estates`,
    () => {
      const totals = {
        estates: 0,
        bypasses: 0,
        findings: 0,
        withBypass: 0,
        decisions: 0,
        reachEdges: 0,
        functionEdges: 0,
      };
      for (let seed = 1; seed <= ESTATES; seed++) {
        const { estate, users, namedByPolicies } = generateEstate(seed);
        const includeImplicit = seed % 3 === 0;
        const authorizer = createAwsEstateAuthorizer(estate);
        // The outside requesters the estate's resource policies and public entries let in, beside its users.
        const requesters = [
          ...users,
          ...authorizer
            .requesters()
            .filter((r) => r.outside === true)
            .map((r) => r.id),
        ];
        const reference = referenceSearch(estate, authorizer, requesters, namedByPolicies, includeImplicit);

        const profile = buildProfile(estate, authorizer);
        const paths = findBypassPaths(profile, authorizer, { includeImplicit });
        const fast = new Set<BypassTuple>(
          paths.map((p) => tuple(p.principal, p.entry.function, p.access, denialClassOf(p.denial))),
        );
        const where = `seed ${seed} (includeImplicit ${includeImplicit})`;
        expect([...fast].sort(), where).toEqual([...reference.bypasses].sort());

        const findings = bypassFindings(paths, authorizer, new Map(estate.functions.map((f) => [f.id, f])));
        const fromFindings = new Set<BypassTuple>();
        for (const f of findings) {
          for (const action of f.actions)
            fromFindings.add(
              tuple(f.principal.id, f.entry.id, { resource: f.resource.id, action }, f.denial),
            );
        }
        expect([...fromFindings].sort(), `${where}: findings`).toEqual([...reference.bypasses].sort());

        // The indexes: candidates are a superset of what the engine grants.
        for (const fn of estate.functions) {
          const candidates = new Set(authorizer.candidateReach(fn).map((a) => `${a.resource} ${a.action}`));
          for (const a of reference.reach.get(fn.id)!)
            expect(
              candidates.has(`${a.resource} ${a.action}`),
              `${where}: reach ${fn.id} ${a.action} ${a.resource}`,
            ).toBe(true);
        }
        for (const access of universe(estate, namedByPolicies)) {
          const candidates = new Set(authorizer.candidateRequesters(access));
          for (const u of reference.invokers.get(`${access.resource}\u0000${access.action}`) ?? [])
            expect(candidates.has(u), `${where}: requester ${u} ${access.action} ${access.resource}`).toBe(
              true,
            );
        }

        totals.estates++;
        totals.bypasses += reference.bypasses.size;
        totals.findings += findings.length;
        totals.withBypass += reference.bypasses.size > 0 ? 1 : 0;
        totals.decisions += reference.decisions;
        totals.reachEdges += profile.stats.reachEdges;
        totals.functionEdges += profile.stats.functionEdges;
      }
      console.log(`reference search: ${JSON.stringify(totals)}`);
      // The generator must produce estates with bypasses, or the comparison proves little.
      expect(totals.withBypass).toBeGreaterThan(ESTATES / 4);
    },
    60_000 + ESTATES * 20,
  ); // larger runs take about 5 ms an estate on a loaded machine
});

/**
 * Notices the profile itself gives: an estate in which nobody can start a function says nothing about bypasses, so
 * "0 findings" must not read as a clean bill of health.
 */
import type { Notice } from '../model/index.js';
import type { ReachabilityProfile } from './reachabilityProfile.js';

/** What an IAM-less scan should add to say who calls the functions. */
const ADD_REQUESTERS =
  'add who calls them: an IAM export (`aws iam get-account-authorization-details > iam.json`), the templates that ' +
  'define the users and roles that invoke them, or the API, URL and event-source definitions that expose them';

/** `no-requesters` when the estate has functions but no requester may invoke or trigger any of them. */
export function profileNotices(profile: ReachabilityProfile): Notice[] {
  const { functions, requesters, userInvoke } = profile.stats;
  if (functions === 0 || userInvoke > 0) return [];
  const who =
    requesters === 0
      ? `no requester was found in the inputs (no IAM user, no role that people or outside identities assume, no public entry point)`
      : `none of the ${requesters} requester(s) found may invoke or trigger any of them`;
  return [
    {
      code: 'no-requesters',
      message: `${functions} function(s), but ${who}, so no bypass can be found; ${ADD_REQUESTERS}`,
    },
  ];
}

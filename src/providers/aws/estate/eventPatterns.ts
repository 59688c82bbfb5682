/**
 * What an event's content must be to pass a trigger's filter, read statically:
 * - an EventBridge rule's pattern, against what a producer may put (PutEvents' `events:source` and
 *   `events:detailType` condition keys): exact values become the request context a write must carry;
 * - a Lambda event source mapping's filter criteria, which make the trigger hold only for some records.
 * Content filtering rules: a field's list matches when any of its matchers does; a string is an exact match;
 * objects (`prefix`, `anything-but`, `exists`, ...) are matchers this module leaves open.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The pattern fields a PutEvents request carries as condition keys. */
const PUT_EVENTS_KEYS: [field: string, key: string][] = [
  ['source', 'events:source'],
  ['detail-type', 'events:detailType'],
];

/**
 * For each PutEvents condition key the pattern pins to exact values, those values: an event fires the rule only
 * when its `source` (and `detail-type`) is one of them. A field with any other matcher is left out (any value may
 * match it), so the decision stays as conditional as the policy makes it. `aws.` sources cannot be put by anyone.
 */
export function eventPatternContext(pattern: string | undefined): Record<string, string[]> | undefined {
  const parsed = pattern === undefined ? undefined : parse(pattern);
  if (!isObject(parsed)) return undefined;
  const context: Record<string, string[]> = {};
  for (const [field, key] of PUT_EVENTS_KEYS) {
    const matchers = parsed[field];
    if (!Array.isArray(matchers) || !matchers.every((m) => typeof m === 'string')) continue;
    const values = (matchers as string[]).filter((v) => field !== 'source' || !v.startsWith('aws.'));
    if (values.length > 0) context[key] = [...new Set(values)];
  }
  return Object.keys(context).length > 0 ? context : undefined;
}

/** The top-level fields of the records each polled service hands to Lambda's filter. */
const RECORD_FIELDS: Record<string, ReadonlySet<string>> = {
  sqs: new Set([
    'messageId',
    'receiptHandle',
    'body',
    'attributes',
    'messageAttributes',
    'md5OfBody',
    'md5OfMessageAttributes',
    'eventSource',
    'eventSourceARN',
    'awsRegion',
  ]),
  // Kinesis filters read the record's `kinesis` fields at the top (`data`, `partitionKey`, ...); the envelope's
  // fields are kept too, as what a filter may name there is not settled here.
  kinesis: new Set([
    'data',
    'partitionKey',
    'sequenceNumber',
    'approximateArrivalTimestamp',
    'kinesisSchemaVersion',
    'kinesis',
    'eventSource',
    'eventVersion',
    'eventID',
    'eventName',
    'invokeIdentityArn',
    'awsRegion',
    'eventSourceARN',
  ]),
  dynamodb: new Set([
    'eventID',
    'eventName',
    'eventVersion',
    'eventSource',
    'awsRegion',
    'dynamodb',
    'eventSourceARN',
    'userIdentity',
  ]),
};

/** The dotted paths of a pattern's leaves; undefined when a leaf's list is empty (it matches nothing). */
function leafPaths(pattern: Record<string, unknown>, prefix: string): string[] | undefined {
  const out: string[] = [];
  for (const [field, value] of Object.entries(pattern)) {
    const path = prefix ? `${prefix}.${field}` : field;
    if (isObject(value)) {
      const inner = leafPaths(value, path);
      if (inner === undefined) return undefined;
      out.push(...inner);
    } else if (Array.isArray(value)) {
      if (value.length === 0) return undefined;
      out.push(path);
    } else {
      return undefined; // a leaf must be a list of matchers; the service rejects anything else
    }
  }
  return out;
}

/**
 * The condition names a mapping's filter criteria put on its trigger (`filter:body.type`), or `impossible` when
 * no filter can match a record of the source's service (a field such records do not have, an empty list).
 */
export function filterCriteriaConditions(
  filters: readonly string[],
  service: string,
): string[] | 'impossible' {
  const fields = RECORD_FIELDS[service];
  const conditions = new Set<string>();
  let possible = false;
  for (const text of filters) {
    const parsed = parse(text);
    if (!isObject(parsed)) {
      // Not read (an unresolved value, say): it may match, on content not known here.
      possible = true;
      conditions.add('filter:*');
      continue;
    }
    const paths = leafPaths(parsed, '');
    if (paths === undefined) continue;
    if (fields && Object.keys(parsed).some((f) => !fields.has(f))) continue;
    possible = true;
    for (const path of paths) conditions.add(`filter:${path}`);
  }
  return possible ? [...conditions].sort() : 'impossible';
}

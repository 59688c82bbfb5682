/**
 * Who asked: the requester of one invocation, per platform. Platform-verified identities come first (API Gateway
 * REST `requestContext.identity.userArn`; HTTP API and Function URL `requestContext.authorizer.iam.userArn`; an SQS
 * `SenderId` or S3/OSS `userIdentity.principalId` the table knows; a Cloud Run-verified Google ID token's email;
 * Azure Easy Auth's `x-ms-client-principal`); otherwise the propagated caller context (payload envelope
 * `{"__ares": …, "payload": …}`, Lambda `clientContext.custom.ares`, the SQS/SNS message attribute `ares`,
 * EventBridge `detail._ares`, the `x-ares-context` header, a Pub/Sub attribute or CloudEvent extension `ares`, a
 * Service Bus application property `ares`). An envelope is always stripped. A batch yields one requester per record.
 *
 * Extraction is pure: the `RequesterResolver` maps names through the block table and verifies tokens.
 */

export type RequesterSource =
  | 'apigateway-iam'
  | 'http-api-iam'
  | 'sqs-sender-id'
  | 's3-principal'
  | 'oss-principal'
  | 'gcp-id-token'
  | 'gcp-audit-log'
  | 'azure-client-principal'
  | 'envelope'
  | 'client-context'
  | 'sqs-attribute'
  | 'sns-attribute'
  | 'eventbridge-detail'
  | 'http-header'
  | 'pubsub-attribute'
  | 'cloudevent-extension'
  | 'service-bus-property'
  | 'none';

export interface Requester {
  /** The origin principal id; undefined when there is no verifiable requester. */
  origin: string | undefined;
  source: RequesterSource;
  /** The verified token, when the origin came from a caller context. */
  token?: string;
  /** Unsigned hops appended after the token. */
  hops?: readonly string[];
  /** Why a caller context that was present counts for nothing (malformed, bad-signature, expired, replayed, …). */
  invalid?: string;
  /**
   * A token whose signature and nonce are not checked yet: `origin` is its claim. The agent checks it only when
   * the decision depends on it, and always before vouching for the origin downstream.
   */
  pending?: PendingToken;
}

/** The deferred check of a token (see `Requester.pending`). */
export interface PendingToken {
  /** Signature, times and (root tokens) the local replay cache: the reason it fails, or undefined. */
  verify(): string | undefined;
  /** Root tokens at their entry, when a nonce service is configured: single use across instances. */
  claimNonce?(): Promise<string | undefined>;
}

export interface RequesterResolver {
  /**
   * A platform-verified identity under one or more run-time names. `strict` (unique ids such as SQS `SenderId`):
   * unknown (undefined) unless the table maps a name; otherwise the first name stands for itself.
   */
  verified(names: readonly string[], source: RequesterSource, strict: boolean): Requester | undefined;
  /**
   * A propagated caller context (`token~hops`): a root token from `ares serve` or a hop token from an upstream
   * agent, checked for its hop (and, when the decision depends on it, verified and checked for replay).
   * `sender`: the SQS `SenderId` the message came with, when it names no requester: the token must then be a hop
   * token of the function that sent it.
   */
  context(value: unknown, source: RequesterSource, sender?: string): Requester;
}

export interface Extraction {
  requesters: Requester[];
  /** What the handler should see (an envelope removed). */
  event: unknown;
}

export const ENVELOPE_KEY = '__ares';
export const ATTRIBUTE = 'ares';
export const DETAIL_KEY = '_ares';
/** The header `ares serve`'s invocation proxy (and the agent, to HTTP functions) carries the context in. */
export const CONTEXT_HEADER = 'x-ares-context';

const NONE: Requester = { origin: undefined, source: 'none' };

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A property of a platform-made object (context, request, CloudEvent), which may be a getter on its prototype. */
function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Rec)[key] : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `{"__ares": value, "payload": original}` → [value, original]; undefined when it is not an envelope. */
export function openEnvelope(event: unknown): [unknown, unknown] | undefined {
  if (!isRecord(event) || !Object.hasOwn(event, ENVELOPE_KEY) || !Object.hasOwn(event, 'payload'))
    return undefined;
  return [event[ENVELOPE_KEY], event.payload];
}

// ---- AWS Lambda ----

export function extractAws(event: unknown, context: unknown, r: RequesterResolver): Extraction {
  const envelope = openEnvelope(event);
  const inner = envelope ? envelope[1] : event;
  const requestContext = field(inner, 'requestContext');
  if (requestContext !== undefined) {
    const rest = nonEmpty(field(field(requestContext, 'identity'), 'userArn'));
    if (rest !== undefined) return one(r.verified([rest], 'apigateway-iam', false), inner);
    const http = nonEmpty(field(field(field(requestContext, 'authorizer'), 'iam'), 'userArn'));
    if (http !== undefined) return one(r.verified([http], 'http-api-iam', false), inner);
  }
  const records = field(inner, 'Records');
  if (Array.isArray(records) && records.length > 0) {
    const verified = records.map((record) => verifiedRecord(record, r));
    // Verified identities first; then, for records without one, the caller context of an outer envelope or
    // ClientContext, else each record's own.
    const outer = envelope ? r.context(envelope[0], 'envelope') : clientContext(context, r);
    return {
      requesters: records.map(
        (record, i) => verified[i] ?? outer ?? recordContext(record, r, unmappedSender(record, verified[i])),
      ),
      event: inner,
    };
  }
  if (envelope) return one(r.context(envelope[0], 'envelope'), inner);
  const fromClient = clientContext(context, r);
  if (fromClient) return one(fromClient, inner);
  const detail = field(inner, 'detail');
  if (field(inner, 'detail-type') !== undefined && isRecord(detail) && Object.hasOwn(detail, DETAIL_KEY))
    return one(r.context(detail[DETAIL_KEY], 'eventbridge-detail'), inner);
  return one(undefined, inner);
}

function one(requester: Requester | undefined, event: unknown): Extraction {
  return { requesters: [requester ?? NONE], event };
}

function clientContext(context: unknown, r: RequesterResolver): Requester | undefined {
  const cc = prop(context, 'clientContext') ?? prop(context, 'client_context');
  const custom = field(cc, 'custom') ?? field(cc, 'Custom');
  return isRecord(custom) && Object.hasOwn(custom, ATTRIBUTE)
    ? r.context(custom[ATTRIBUTE], 'client-context')
    : undefined;
}

/** `AWS:AIDA…` → `AIDA…` (S3 writes the unique id with its prefix). */
function stripAwsPrefix(id: string): string {
  return id.startsWith('AWS:') ? id.slice(4) : id;
}

function verifiedRecord(record: unknown, r: RequesterResolver): Requester | undefined {
  const source = field(record, 'eventSource');
  if (source === 'aws:sqs') {
    const sender = nonEmpty(field(field(record, 'attributes'), 'SenderId'));
    return sender === undefined ? undefined : r.verified([sender], 'sqs-sender-id', true);
  }
  if (source === 'aws:s3') {
    const principal = nonEmpty(field(field(record, 'userIdentity'), 'principalId'));
    return principal === undefined
      ? undefined
      : r.verified([stripAwsPrefix(principal)], 's3-principal', true);
  }
  return undefined;
}

/** The SQS `SenderId` of a record whose sender the table does not know (a function's role session, say). */
function unmappedSender(record: unknown, verified: Requester | undefined): string | undefined {
  if (verified !== undefined || field(record, 'eventSource') !== 'aws:sqs') return undefined;
  return nonEmpty(field(field(record, 'attributes'), 'SenderId'));
}

function recordContext(record: unknown, r: RequesterResolver, sender: string | undefined): Requester {
  if (field(record, 'eventSource') === 'aws:sqs') {
    const attribute = field(field(record, 'messageAttributes'), ATTRIBUTE);
    if (attribute !== undefined) return r.context(field(attribute, 'stringValue'), 'sqs-attribute', sender);
    // SNS to SQS without raw delivery: the body is the SNS notification, attributes inside it.
    const body = field(record, 'body');
    if (typeof body === 'string' && body.startsWith('{') && body.includes('"TopicArn"')) {
      const value = snsAttribute(parseJson(body));
      if (value !== undefined) return r.context(value, 'sns-attribute', sender);
    }
    return NONE;
  }
  if (field(record, 'EventSource') === 'aws:sns') {
    const value = snsAttribute(field(record, 'Sns'));
    return value === undefined ? NONE : r.context(value, 'sns-attribute');
  }
  return NONE;
}

function snsAttribute(notification: unknown): unknown {
  const attribute = field(field(notification, 'MessageAttributes'), ATTRIBUTE);
  return attribute === undefined ? undefined : (field(attribute, 'Value') ?? null);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// ---- Alibaba Cloud Function Compute (event functions) ----

/** The event arrives as a Buffer of JSON; an envelope is stripped and handed on in the event's own form. */
export function extractAlibaba(event: unknown, r: RequesterResolver): Extraction {
  const parsed = Buffer.isBuffer(event)
    ? parseJsonText(event.toString('utf8'))
    : typeof event === 'string'
      ? parseJsonText(event)
      : event;
  const envelope = openEnvelope(parsed);
  if (envelope) {
    const payload = envelope[1];
    const inner = Buffer.isBuffer(event)
      ? Buffer.from(JSON.stringify(payload))
      : typeof event === 'string'
        ? JSON.stringify(payload)
        : payload;
    return one(r.context(envelope[0], 'envelope'), inner);
  }
  const events = field(parsed, 'events');
  if (Array.isArray(events) && events.length > 0) {
    return {
      requesters: events.map((e) => {
        const principal = nonEmpty(field(field(e, 'userIdentity'), 'principalId'));
        return (principal === undefined ? undefined : r.verified([principal], 'oss-principal', true)) ?? NONE;
      }),
      event,
    };
  }
  return one(undefined, event);
}

function parseJsonText(text: string): unknown {
  const start = text.trimStart();
  return start.startsWith('{') ? parseJson(start) : undefined;
}

// ---- Google Cloud Functions / Cloud Run ----

/** The HTTP request fields the agent reads (Express / Functions Framework `req`). */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Names a Google identity may have in the table. */
function googleNames(email: string): string[] {
  return [email, `user:${email}`, `serviceAccount:${email}`];
}

export function extractGcpHttp(req: HttpRequestLike, r: RequesterResolver): Requester {
  const envelope = openEnvelope(req.body);
  if (envelope) req.body = envelope[1];
  // A token whose signature reads SIGNATURE_REMOVED_BY_GOOGLE is not an identity: anyone can write that string,
  // and nothing in the request shows Cloud Run checked it. HTTP functions learn the origin from a caller context.
  const value = header(req.headers, CONTEXT_HEADER);
  if (value !== undefined) return r.context(value, 'http-header');
  if (envelope) return r.context(envelope[0], 'envelope');
  return NONE;
}

/** A CloudEvent (Pub/Sub, Eventarc, Storage): the audit-log principal, else an `ares` attribute or extension. */
export function extractCloudEvent(cloudEvent: unknown, r: RequesterResolver): Extraction {
  const data = prop(cloudEvent, 'data');
  const envelope = openEnvelope(data);
  // CloudEvent objects may be frozen: hand on a copy with the envelope removed.
  const event = envelope && isRecord(cloudEvent) ? { ...cloudEvent, data: envelope[1] } : cloudEvent;
  if (prop(cloudEvent, 'type') === 'google.cloud.audit.log.v1.written') {
    const email = nonEmpty(field(field(field(data, 'protoPayload'), 'authenticationInfo'), 'principalEmail'));
    const verified = email === undefined ? undefined : r.verified(googleNames(email), 'gcp-audit-log', false);
    if (verified) return one(verified, event);
  }
  const attribute = field(field(field(data, 'message'), 'attributes'), ATTRIBUTE);
  if (attribute !== undefined) return one(r.context(attribute, 'pubsub-attribute'), event);
  const extension = prop(cloudEvent, ATTRIBUTE);
  if (extension !== undefined) return one(r.context(extension, 'cloudevent-extension'), event);
  if (envelope) return one(r.context(envelope[0], 'envelope'), event);
  return one(undefined, event);
}

// ---- Azure Functions (v4 programming model) ----

/** `HttpRequest` of `@azure/functions` v4, as far as the agent reads it. */
export interface AzureHttpRequestLike {
  method: string;
  headers: { get(name: string): string | null };
}

export function isAzureHttpRequest(value: unknown): value is AzureHttpRequestLike {
  const headers = prop(value, 'headers');
  return typeof prop(value, 'method') === 'string' && typeof prop(headers, 'get') === 'function';
}

const OID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAME_CLAIMS = [
  'preferred_username',
  'upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'name',
];

/** The names of an Easy Auth principal (`x-ms-client-principal`, base64 JSON): object id first, then user names. */
export function azurePrincipalNames(encoded: string | null, principalId: string | null): string[] {
  const names: string[] = [];
  const principal = encoded === null ? undefined : parseJson(Buffer.from(encoded, 'base64').toString('utf8'));
  const claims = field(principal, 'claims');
  const claimValue = (types: readonly string[]): void => {
    if (!Array.isArray(claims)) return;
    for (const type of types)
      for (const claim of claims)
        if (field(claim, 'typ') === type) {
          const value = nonEmpty(field(claim, 'val'));
          if (value !== undefined && !names.includes(value)) names.push(value);
        }
  };
  claimValue(OID_CLAIMS);
  // Static Web Apps shape: {identityProvider, userId, userDetails, userRoles}.
  for (const key of ['userId', 'userDetails']) {
    const value = nonEmpty(field(principal, key));
    if (value !== undefined && !names.includes(value)) names.push(value);
  }
  if (principalId !== null && principalId !== '' && !names.includes(principalId)) names.push(principalId);
  claimValue(NAME_CLAIMS);
  return names;
}

export function extractAzureHttp(request: AzureHttpRequestLike, r: RequesterResolver): Requester {
  const names = azurePrincipalNames(
    request.headers.get('x-ms-client-principal'),
    request.headers.get('x-ms-client-principal-id'),
  );
  if (names.length > 0) {
    const verified = r.verified(names, 'azure-client-principal', false);
    if (verified) return verified;
  }
  const value = request.headers.get(CONTEXT_HEADER);
  return value === null ? NONE : r.context(value, 'http-header');
}

/** A non-HTTP trigger (queue, Service Bus, Event Grid): an envelope, else a Service Bus application property. */
export function extractAzureTrigger(input: unknown, context: unknown, r: RequesterResolver): Extraction {
  const envelope = openEnvelope(input);
  if (envelope) return one(r.context(envelope[0], 'envelope'), envelope[1]);
  const metadata = prop(context, 'triggerMetadata');
  const value =
    field(field(metadata, 'applicationProperties'), ATTRIBUTE) ??
    field(field(metadata, 'userProperties'), ATTRIBUTE);
  return one(value === undefined ? undefined : r.context(value, 'service-bus-property'), input);
}

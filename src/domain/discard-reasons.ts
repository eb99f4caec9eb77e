/**
 * The discard-reason catalogue: for every `reason` code a producer may send with a
 * discard step, a title, an explanation and a remedy. Pure data plus lookups; the
 * human-readable twin of this table is docs/discard-reasons.md (anchors must match).
 */
import { CONNECTION_REASONS, type DiscardReasonEntry } from './discard-reasons.connections';
import { DISCARD_REPORT_STEPS, isDiscardReportStep, type DestinationKind, type ReportStep } from './steps';

/** One entry of the remedy catalogue. */
export interface DiscardReason {
  /** The code producers send in `reason` (exact case). */
  code: string;
  /** The discard step the code belongs to. */
  step: DiscardStep;
  title: string;
  /** What happened, one or two sentences. */
  description: string;
  /** What to do about it, concrete steps. */
  remedy: string;
  /** Link to the project's troubleshooting page anchor for this entry. */
  docsUrl: string;
  /**
   * Other codes producers send for this same reason (the reference lists them with "or").
   * Ingest stores and shows `code` in their place; samples keep the code as sent.
   */
  aliases: readonly string[];
  /** The destination kinds whose producers report it (a source-side code: the kinds streaming sources feed). */
  kinds: readonly DestinationKind[];
}

export type DiscardStep = Extract<ReportStep, 'failed_ingest' | 'filtered_source' | 'failed_extract' | 'filtered_destination' | 'failed_delivery'>;

type DiscardReasonData = DiscardReasonEntry;

const STREAMING: readonly DestinationKind[] = ['classic', 'actions', 'storage'];
/** Who reports a step's codes unless an entry says otherwise: delivery errors are the same for every kind that delivers. */
const DEFAULT_KINDS: Record<DiscardStep, readonly DestinationKind[]> = {
  failed_ingest: STREAMING,
  filtered_source: STREAMING,
  failed_extract: ['retl'],
  filtered_destination: STREAMING,
  failed_delivery: ['classic', 'actions', 'retl', 'audience'],
};

const DOCS_PAGE = '/docs/discard-reasons.md';
const UNKNOWN_ANCHOR = 'unknown-reasons';

const STEP_LABELS: Record<DiscardStep, string> = {
  failed_ingest: 'Failed on ingest',
  filtered_source: 'Filtered at source',
  failed_extract: 'Failed to extract',
  filtered_destination: 'Filtered at destination',
  failed_delivery: 'Failed delivery',
};

// prettier-ignore
const STREAMING_DATA: readonly DiscardReasonData[] = [
  // ── Failed on ingest ────────────────────────────────────────────────────────────
  { step: 'failed_ingest', code: 'empty_batch_result', title: 'Batch yielded no events', description: 'The batch was accepted, but after its messages were processed nothing was left to publish.', remedy: 'Inspect the batch payload and the client instrumentation that builds it; make sure every batch carries at least one valid message.' },
  { step: 'failed_ingest', code: 'source_disabled', aliases: ['SOURCE_DISABLED'], title: 'Source or project disabled', description: 'The source, or the project instance behind it, is disabled, so its events were refused.', remedy: 'Enable the source or project instance in its settings, then resend the events.' },
  { step: 'failed_ingest', code: 'empty_batch', title: 'Empty batch', description: 'A batch request arrived without any messages in it.', remedy: 'Check the payload and the client instrumentation so that it never sends a batch with an empty message list.' },
  { step: 'failed_ingest', code: 'multi_user_error', title: 'Errors inside a batch', description: 'At least one message in the batch was invalid. The valid messages were published; the invalid ones were dropped and are counted here.', remedy: 'Look at each rejected message of the batch on its own and fix the error reported for it.' },
  { step: 'failed_ingest', code: 'no_user_anon_id', title: 'No user or anonymous ID', description: 'The event carried neither a `userId` nor an `anonymousId`.', remedy: 'Fix the instrumentation so every message sets `userId`, `anonymousId`, or both before it is sent.' },
  { step: 'failed_ingest', code: 'event_not_defined', title: 'Track event without a name', description: 'A track call arrived without an `event` name.', remedy: 'Make every track call set the `event` field to the name of the event; check the payload and the instrumentation that builds it.' },
  { step: 'failed_ingest', code: 'event_not_string', title: 'Track event name has the wrong type', description: 'The `event` field of a track call held a value that is not a string.', remedy: 'Send the event name as a string; check where the instrumentation builds the track call.' },
  { step: 'failed_ingest', code: 'properties_not_object', title: 'Properties are not an object', description: 'The `properties` field was present but was not a JSON object.', remedy: 'Send `properties` as a key/value object, or leave it out; check the payload and the code that fills it.' },
  { step: 'failed_ingest', code: 'traits_not_object', title: 'Traits are not an object', description: 'The `traits` field was present but was not a JSON object.', remedy: 'Send `traits` as a key/value object, or leave it out; check the payload and the code that fills it.' },
  { step: 'failed_ingest', code: 'name_not_string', title: 'Page or screen name invalid', description: 'On a page or screen call, `name` was empty or not a string.', remedy: 'Give page and screen calls a non-empty string `name`, or omit the field; check the instrumentation.' },
  { step: 'failed_ingest', code: 'category_not_string', title: 'Page or screen category invalid', description: 'On a page or screen call, `category` was empty or not a string.', remedy: 'Send `category` as a non-empty string, or omit the field; check the instrumentation.' },
  { step: 'failed_ingest', code: 'id_required', title: 'Identifier missing', description: 'Every payload needs a `userId`, an `anonymousId`, or both; this one had none.', remedy: 'Set `userId` and/or `anonymousId` on every payload before it leaves the client.' },
  { step: 'failed_ingest', code: 'id_not_string', title: 'Identifier is not a string', description: 'The `userId` or `anonymousId` value was blank or had a type other than string.', remedy: 'Send identifiers as non-empty strings; convert numeric IDs to strings in the instrumentation.' },
  { step: 'failed_ingest', code: 'consent_categorypreferences_should_exist', title: 'Consent preferences missing', description: 'A consent-preference-updated track event arrived without the required `context.consent.categoryPreferences` object.', remedy: 'Fix the instrumentation that sends the consent-preference-updated event so it always includes `context.consent.categoryPreferences`.' },
  { step: 'failed_ingest', code: 'consent_categorypreferences_fields_should_be_object', title: 'Consent preferences not an object', description: 'In a consent-preference-updated event, `context.consent.categoryPreferences` held a value that is not an object.', remedy: 'Send `categoryPreferences` as an object that maps each consent category to its preference.' },
  { step: 'failed_ingest', code: 'consent_categorypreferences_fields_should_be_bool', title: 'Consent preferences not boolean', description: 'At least one consent category in `categoryPreferences` had a value other than `true` or `false`.', remedy: 'Send every category preference as a boolean; check the consent-preference-updated event instrumentation.' },
  { step: 'failed_ingest', code: 'device_advertisingid_should_be_string', title: 'Advertising ID not a string', description: 'The device `advertisingId` held a value that is not a string.', remedy: 'Send `advertisingId` as a string, or leave it out; check the instrumentation of the consent-preference-updated event.' },
  { step: 'failed_ingest', code: 'consent_version_should_be_number', title: 'Consent version not a number', description: 'The consent `version` field held a value that is not a number.', remedy: 'Send the consent version as a number; check the instrumentation of the consent-preference-updated event.' },
  { step: 'failed_ingest', code: 'bad_request', title: 'Payload could not be decoded', description: 'The request could not be decoded, for example because of a wrong content type or a malformed body.', remedy: 'Correct the payload, add any missing fields and resend; for a function source, check what the webhook caller sends.' },
  { step: 'failed_ingest', code: 'unknown_source', title: 'Unknown source', description: 'No source matched the request: the write key was absent, could not be read from the URL, or belongs to no source.', remedy: 'Check the endpoint or webhook URL the sender uses and make sure it carries the write key of an existing source.' },
  { step: 'failed_ingest', code: 'invalid_settings', title: 'Invalid function settings', description: 'The internal settings of the source function could not be decoded.', remedy: 'Review and correct the function settings; if they look right, contact support with the source ID.' },
  { step: 'failed_ingest', code: 'BAD_REQUEST', title: 'Unreadable request', description: 'The content type was missing or unsupported, or the request body could not be parsed.', remedy: 'Send a `Content-Type` of `application/json` or `application/x-www-form-urlencoded`, make sure the body is valid in that format (well-formed JSON for JSON), and resend.' },
  { step: 'failed_ingest', code: 'locked_workspace', title: 'Workspace locked', description: 'The workspace that owns the source is disabled, so nothing it receives is accepted.', remedy: 'Contact support to learn why the workspace was locked and how to reinstate it.' },
  { step: 'failed_ingest', code: 'internal', title: 'Internal function error', description: 'The source function could not run or its result could not be read: it was deployed incorrectly (wrong deploy type or missing function ARN), its input could not be encoded, or its output could not be decoded.', remedy: 'Redeploy the function. If the error continues after a clean deployment, contact support.' },
  { step: 'failed_ingest', code: 'TRACKING_API_FAILED', title: 'Tracking API call failed', description: 'The event could not be handed to the tracking API.', remedy: 'Check the payload; if it is valid and the error keeps occurring, contact support.' },
  { step: 'failed_ingest', code: 'SET_API_FAILED', title: 'Set API call failed', description: 'The call to the set API failed, in some cases because its client had already been closed.', remedy: 'Check the payload; if it is valid and the error keeps occurring, contact support.' },
  { step: 'failed_ingest', code: 'lambda_err', title: 'Function runtime error', description: 'The serverless runtime that executes the function failed unexpectedly: its client could not be created, the input could not be encoded, or its API returned a temporary or permanent error.', remedy: 'Contact support with the source ID and the time of the failures.' },
  { step: 'failed_ingest', code: 'too_many_requests', title: 'Function rate exceeded', description: 'Events reached the function runtime faster than the rate it is provisioned for.', remedy: 'Spread out or reduce the sending rate, and contact support if you need a higher limit.' },
  { step: 'failed_ingest', code: 'FUNCTION_TIMEOUT', title: 'Function timed out', description: 'The source function did not finish within its time limit.', remedy: 'Make the function faster: put timeouts on slow external calls and do less work per event.' },
  { step: 'failed_ingest', code: 'RETRY_ERROR', title: 'Function asked for a retry', description: 'The function code raised a retryable error, so the event will be attempted again.', remedy: 'Nothing to do right away: the pipeline retries with exponential backoff. If retries keep failing, fix the cause in the function code.' },
  { step: 'failed_ingest', code: 'INVOKE_ERROR', title: 'Function failed to run', description: 'The source function could not be executed.', remedy: 'Look for syntax errors in the function code and review its configuration; contact support if it still fails.' },
  { step: 'failed_ingest', code: 'BAD_DEPLOY', title: 'Function deployment invalid', description: 'The function is not deployed correctly: it is not deployed at all, uses an unsupported deploy type, or lacks its function ARN.', remedy: 'Redeploy the function; contact support if the error persists afterwards.' },

  // ── Filtered at source ──────────────────────────────────────────────────────────
  { step: 'filtered_source', code: 'common_schema_violation', title: 'Common schema violation', description: 'The event broke the common JSON schema of the tracking plan connected to the source.', remedy: 'Compare the payload with the common JSON schema of the plan. When the event is correct, update the schema to accept it; if not, fix the instrumentation. Alternatively, loosen the advanced blocking controls in the source schema configuration.' },
  { step: 'filtered_source', code: 'event_setting', title: 'Blocked by event setting', description: 'The source is configured to drop events of this type.', remedy: 'Review the schema filters of the source and re-enable the event if it should flow through.' },
  { step: 'filtered_source', code: 'schema_violation', title: 'Tracking plan violation', description: 'The event did not match the JSON schema of the connected tracking plan, and the source blocks such events.', remedy: 'Compare the payload with the tracking plan schema. If the event is right, update the schema; if not, fix the instrumentation. Alternatively, loosen the advanced blocking controls in the source schema configuration.' },
  { step: 'filtered_source', code: 'unplanned', title: 'Unplanned event', description: 'The event is not listed in the tracking plan connected to the source, and the source blocks events outside the plan.', remedy: 'Add the event to the tracking plan so it counts as planned, or allow unplanned events in the source schema configuration.' },
  { step: 'filtered_source', code: 'unplanned_and_schema_violation', title: 'Unplanned event breaking the schema', description: 'The event is missing from the connected tracking plan and also broke its JSON schema; the source blocks such events.', remedy: 'Add the event to the tracking plan with a schema that matches what you send, or allow unplanned events in the source schema configuration.' },

  // ── Filtered at destination ─────────────────────────────────────────────────────
  { step: 'filtered_destination', code: 'FILTERED_BY_RULES', title: 'Dropped by destination filter', description: 'The event matched a filter rule configured on this destination.', remedy: 'If events like this should be delivered, narrow the destination filter or add an exception for them.' },
  { step: 'filtered_destination', code: 'FILTERED_BY_INTEGRATIONS_OBJECT', title: 'Disabled in the integrations object', description: 'The `integrations` object of the event turned off delivery to this destination.', remedy: 'Remove or change the entry for this destination in the `integrations` object if the event should be delivered.' },
  { step: 'filtered_destination', code: 'UNKNOWN_INTEGRATION', title: 'Unknown destination name', description: 'The `integrations` object names a destination that is not registered.', remedy: 'Compare every name in the `integrations` object with the documented destination names and fix misspelled or invalid ones.' },
  { step: 'filtered_destination', code: 'MESSAGE_SENT_CLIENT_SIDE', title: 'Already sent from the client', description: 'The destination runs in device mode: the website or app sent the event to it directly, so the servers do not send it again.', remedy: 'Nothing to fix, this is expected. Switch the destination to server-side (cloud) mode if you need the pipeline to deliver these events.' },
  { step: 'filtered_destination', code: 'UNSUPPORTED_EVENT_TYPE', title: 'Event type not supported', description: 'This destination cannot consume events of this type.', remedy: 'Check the destination documentation for the event types it accepts; filter other types out before they reach it.' },
  { step: 'filtered_destination', code: 'INVALID_SETTINGS', title: 'Missing destination settings', description: 'The destination lacks one or more settings that this event type requires.', remedy: 'Review the destination settings for this event type and fill in the required values.' },
  { step: 'filtered_destination', code: 'FUNCTIONS_LOCK_OUT', title: 'Function quota reached', description: 'The destination function was not run because the workspace has used up its paid function allowance.', remedy: 'Upgrade the workspace plan to raise the function limit.' },
  { step: 'filtered_destination', code: 'INTERNAL', title: 'Internal error', description: 'An unexpected internal error stopped the event before delivery.', remedy: 'Contact support with the destination ID and the affected time range.' },
  { step: 'filtered_destination', code: 'NO_MATCHING_MAPPING', title: 'No matching mapping or trigger', description: 'The action-based destination has no mapping whose trigger accepts this event.', remedy: 'Add a mapping, or widen the trigger of an existing one, so that it matches this event.' },
  { step: 'filtered_destination', code: 'FILTERED_AT_MAPPING', title: 'Filtered by mapping', description: 'The event did not satisfy the mapping of the action-based destination and was left out.', remedy: 'Check the conditions of the mapping; if the event should pass them, contact support.' },
  { step: 'filtered_destination', code: 'FAILED_DATA_ENCRYPTION', title: 'Encryption failed', description: 'The event was stopped because its data could not be encrypted, or because the encrypted values could not be delivered.', remedy: 'Confirm the destination accepts encrypted values in the fields you encrypt, and stop encrypting fields it cannot take.' },
  { step: 'filtered_destination', code: 'bad_request', title: 'Invalid function request', description: 'The request to the destination function was malformed, or the function threw an exception of unknown kind.', remedy: 'Check the payload against the format the function expects, and catch or classify unexpected exceptions in the function code.' },
  { step: 'filtered_destination', code: 'invalid_settings', title: 'Invalid function settings', description: 'The internal settings of the destination function are not valid.', remedy: 'Correct the function settings; contact support if you cannot find the problem.' },
  { step: 'filtered_destination', code: 'message_rejected', title: 'Event rejected by function', description: 'The function threw a validation error, such as `InvalidEventPayload` or `ValidationError`, for this event.', remedy: 'Send the data the function requires, or relax the validation in the function code.' },
  { step: 'filtered_destination', code: 'unsupported_event_type', title: 'No handler for event type', description: 'The function has no handler for this event type (`EventNotSupported` or a missing handler).', remedy: 'Add a handler for this event type to the function code.' },
  { step: 'filtered_destination', code: 'internal', title: 'Function request failed', description: 'The pipeline could not process the request to the destination function.', remedy: 'Contact support with the destination ID and the affected time range.' },
  { step: 'filtered_destination', code: 'too_many_requests', title: 'Function rate exceeded', description: 'Events reached the destination function faster than the rate it expects.', remedy: 'Reduce or spread out the traffic; contact support if you need more capacity.' },
  { step: 'filtered_destination', code: 'gateway_timeout', title: 'Function timed out', description: 'The destination function did not finish within its time limit.', remedy: 'Speed up the function code, or contact support to raise its timeout.' },
  { step: 'filtered_destination', code: 'retry', title: 'Function asked for a retry', description: 'The function code returned a retryable error.', remedy: 'No action needed: the event is retried automatically. Investigate the function if retries keep failing.' },
  { step: 'filtered_destination', code: 'FILTERED_BY_END_USER_CONSENT', kinds: [...STREAMING, 'audience'], title: 'Blocked by user consent', description: 'The consent preferences of the end user do not allow sending this event to this destination.', remedy: 'Expected when consent is withheld. If the event should have been allowed, check the consent categories of the user and of the destination, then contact support.' },

  // ── Failed delivery ─────────────────────────────────────────────────────────────
  { step: 'failed_delivery', code: 'INVALID_SETTINGS', title: 'Missing destination settings', description: 'The destination is missing settings that this event type requires.', remedy: 'Review the destination configuration and fill in the required settings for this event type.' },
  { step: 'failed_delivery', code: '429', title: 'Rate limited (429)', description: 'The destination refused requests because too many arrived within its time window.', remedy: 'Events are retried automatically. If they still fail because of volume, ask the destination provider for a higher rate limit, or enable batching for the destination (if supported) to send fewer requests.' },
  { step: 'failed_delivery', code: 'EREFUSED', title: 'Connection refused', description: 'A temporary problem prevented connecting to the API of the destination.', remedy: 'The event is retried automatically. If it keeps failing, check the destination settings for invalid values and whether the destination still works; if the settings are valid, disable the destination or contact its provider.' },
  { step: 'failed_delivery', code: 'UNSUPPORTED_EVENT_TYPE', title: 'Event type not supported', description: 'The destination cannot accept events of this type.', remedy: 'Contact support with the destination ID and an example event.' },
  { step: 'failed_delivery', code: 'MESSAGE_REJECTED', title: 'Message rejected', description: 'The destination blocked the request.', remedy: 'Compare the required fields and data types of the payload with what the destination configuration expects, and fix the differences.' },
  { step: 'failed_delivery', code: '400', aliases: ['BAD_REQUEST'], title: 'Bad request (400)', description: 'The API of the destination rejected the payload as invalid (HTTP 400).', remedy: 'Read the response of the destination for the failed request to see what was rejected, then fix the payload or mapping.' },
  { step: 'failed_delivery', code: 'ETIMEDOUT', aliases: ['etimedout'], title: 'Request timed out', description: 'The destination did not answer within a reasonable time.', remedy: 'No action needed: delivery is retried automatically.' },
  { step: 'failed_delivery', code: 'ENOTFOUND', title: 'Endpoint not found', description: 'The endpoint URL could not be found or does not exist.', remedy: 'Inspect the outgoing request to see which URL it targets, and correct the URL in the destination settings.' },
  { step: 'failed_delivery', code: 'INTERNAL', title: 'Connection problem', description: 'Connecting to the server of the destination failed.', remedy: 'No action needed: events are retried once a connection succeeds.' },
  { step: 'failed_delivery', code: '404', title: 'Not found (404)', description: 'The server of the destination has no resource at the requested URL.', remedy: 'Check whether the resource exists or was moved or deleted, and whether the URL has a typo. If everything is correct, the destination may be having trouble: contact its provider.' },
  { step: 'failed_delivery', code: '307', title: 'Temporary redirect (307)', description: 'The destination answered with a temporary redirect to another URL.', remedy: 'No action needed: the request is retried against the redirect target.' },
  { step: 'failed_delivery', code: '502', title: 'Bad gateway (502)', description: 'A server in front of the destination got an invalid answer from the server behind it.', remedy: 'No action needed: the payload is sent again automatically.' },
  { step: 'failed_delivery', code: '503', title: 'Service unavailable (503)', description: 'The server of the destination could not handle the request at that moment.', remedy: 'No action needed: the payload is sent again automatically.' },
  { step: 'failed_delivery', code: 'RETRY', title: 'Retried', description: 'The first attempt failed and the request was sent again.', remedy: 'No action needed: the pipeline keeps retrying the payload.' },
  { step: 'failed_delivery', code: '401', title: 'Unauthorized (401)', description: 'The destination refused the request because its credentials are invalid or have expired.', remedy: 'Re-authenticate with the destination provider and update the credentials in the destination settings.' },
  { step: 'failed_delivery', code: 'ECONNRESET', title: 'Connection reset', description: 'No working connection to the server of the destination could be established.', remedy: 'Check the destination settings for invalid values and whether the destination still works; if the settings are valid, disable the destination or contact its provider.' },
];

/** Every entry grouped by step in pipeline order (a stable sort keeps each group's own order). */
const DATA: readonly DiscardReasonData[] = [...STREAMING_DATA, ...CONNECTION_REASONS].sort(
  (a, b) => DISCARD_REPORT_STEPS.indexOf(a.step) - DISCARD_REPORT_STEPS.indexOf(b.step),
);

// ── Helpers ───────────────────────────────────────────────────────────────────────

function baseAnchor(step: DiscardStep, code: string): string {
  return `${step}-${code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Catalogue codes per base anchor, to detect codes that differ only in case or punctuation. */
const CODES_BY_BASE_ANCHOR = new Map<string, string[]>();
for (const { step, code } of DATA) {
  const key = baseAnchor(step, code);
  const codes = CODES_BY_BASE_ANCHOR.get(key);
  if (codes) codes.push(code);
  else CODES_BY_BASE_ANCHOR.set(key, [code]);
}

/**
 * Stable anchor for a (step, code). The base is the step plus the slugged code; when
 * another catalogue code of the same step slugs to the same base (`ETIMEDOUT` vs
 * `etimedout`), the all-lowercase variant gets `-lower` and a mixed-case one `-mixed`;
 * the all-uppercase variant keeps the base.
 */
export function docsAnchor(step: DiscardStep, code: string): string {
  const base = baseAnchor(step, code);
  const siblings = (CODES_BY_BASE_ANCHOR.get(base) ?? []).filter((c) => c !== code);
  if (siblings.length === 0) return base;
  if (code === code.toUpperCase()) return base;
  if (code === code.toLowerCase()) return `${base}-lower`;
  return `${base}-mixed`;
}

function docsUrlFor(anchor: string): string {
  return `${DOCS_PAGE}#${anchor}`;
}

/** Every entry, grouped by step in pipeline order. */
export const DISCARD_REASONS: readonly DiscardReason[] = DATA.map((d) =>
  Object.freeze({ ...d, aliases: d.aliases ?? [], kinds: d.kinds ?? DEFAULT_KINDS[d.step], docsUrl: docsUrlFor(docsAnchor(d.step, d.code)) }),
);

const BY_STEP_AND_CODE = new Map<DiscardStep, Map<string, DiscardReason>>();
for (const reason of DISCARD_REASONS) {
  let byCode = BY_STEP_AND_CODE.get(reason.step);
  if (!byCode) {
    byCode = new Map();
    BY_STEP_AND_CODE.set(reason.step, byCode);
  }
  byCode.set(reason.code, reason);
  for (const alias of reason.aliases) byCode.set(alias, reason);
}

/** The catalogue entry for a code, or for an alias of it (then `code` is the canonical one). */
export function findDiscardReason(step: DiscardStep, code: string): DiscardReason | undefined {
  return BY_STEP_AND_CODE.get(step)?.get(code);
}

/**
 * The code to store and show for a reason: an alias the catalogue lists for this step becomes
 * its entry's code; a canonical or unknown code stays as sent. Codes the catalogue keeps apart
 * (`bad_request` and `BAD_REQUEST` on failed on ingest) stay apart.
 */
export function canonicalReason(step: DiscardStep, code: string): string {
  return findDiscardReason(step, code)?.code ?? code;
}

/** The same for any report step: a retry's reason is a delivery failure code, so retry steps use failed delivery's aliases. */
export function canonicalReasonOf(step: ReportStep, code: string): string {
  if (code === '') return code;
  if (step === 'retry_enqueued' || step === 'retry_resolved') return canonicalReason('failed_delivery', code);
  return isDiscardReportStep(step) ? canonicalReason(step as DiscardStep, code) : code;
}

/** For a code reported at ingest that the catalogue lacks: still counted and shown, never dropped. */
export function unknownDiscardReason(step: DiscardStep, code: string): DiscardReason {
  return {
    code,
    step,
    title: 'Unknown reason',
    description: `The code "${code}" is not in the discard-reason catalogue for the "${STEP_LABELS[step]}" step, so no specific explanation is available.`,
    remedy:
      'Look up the code in the logs or documentation of the component that reported it. If it is a new, legitimate code, ask for it to be added to the catalogue; if it is a typo, fix the producer.',
    docsUrl: docsUrlFor(UNKNOWN_ANCHOR),
    aliases: [],
    kinds: DEFAULT_KINDS[step],
  };
}

export function discardReasonOrUnknown(step: DiscardStep, code: string): DiscardReason {
  return findDiscardReason(step, code) ?? unknownDiscardReason(step, code);
}

/**
 * A stored code as shown: the catalogue's text, under the code as stored. Rows stored before
 * aliases were mapped at ingest keep their alias code (stored data is never rewritten).
 */
export function storedDiscardReason(step: DiscardStep, code: string): DiscardReason & { unknown: boolean } {
  const entry = findDiscardReason(step, code);
  return { ...(entry ?? unknownDiscardReason(step, code)), code, unknown: entry === undefined };
}

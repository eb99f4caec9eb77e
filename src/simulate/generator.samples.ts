/**
 * Sample payloads for discarded events: a plausible message for the event and an
 * error text that explains the reason, so a sample reads like the real thing.
 */
import type { ReportStep } from '../domain/steps';
import type { SimSource } from './model';
import type { Rng } from './random';
import type { SimSample } from './generator.types';
import type { Combo } from './generator.world';
import { makeExchange } from './generator.exchange';

const USER_COUNT = 250_000;

export function makeSample(
  rng: Rng,
  src: SimSource,
  combo: Combo,
  step: ReportStep,
  reason: string,
  destinationId: string,
  messageId: string,
  t: number,
): SimSample {
  const type = combo.event.type;
  const payload: Record<string, unknown> = {
    type,
    messageId: messageId || `${src.platform === 'web' ? 'ajs' : src.platform === 'mobile' ? 'mob' : 'node'}-${rng.hex(24)}`,
    timestamp: new Date(t - rng.int(50, 4_000)).toISOString(),
  };
  const noIds = reason === 'no_user_anon_id' || reason === 'id_required';
  if (!noIds) {
    payload.anonymousId = reason === 'id_not_string' ? '' : `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${rng.hex(4)}-${rng.hex(12)}`;
    if (rng.chance(0.6)) payload.userId = `user_${rng.int(1, USER_COUNT)}`;
  }
  if (type === 'track') {
    if (reason !== 'event_not_defined') payload.event = combo.event.name;
    payload.properties = reason === 'properties_not_object' ? 'sku=SKU-1042' : trackProperties(rng, combo.event.name, reason);
  } else if (type === 'page' || type === 'screen') {
    payload.name = reason === 'name_not_string' ? 42 : combo.event.name;
    payload.properties = type === 'page' ? { path: pagePath(combo.event.name), title: `${combo.event.name} | Demo Store` } : {};
  } else if (type === 'identify') {
    payload.traits =
      reason === 'traits_not_object' ? 'plan=pro' : { email: `shopper${rng.int(1, USER_COUNT)}@example.com`, plan: rng.pick(['free', 'plus', 'pro']) };
  } else if (type === 'group') {
    payload.groupId = `org_${rng.int(1, 5_000)}`;
    payload.traits = { name: `Company ${rng.int(1, 5_000)}`, employees: rng.int(2, 900) };
  }
  const context: Record<string, unknown> = { library: src.library };
  if (src.platform === 'mobile') context.app = { version: combo.appVersion, build: String(rng.int(1000, 9999)) };
  else if (src.platform === 'web') context.page = { path: pagePath(combo.event.name) };
  else context.service = { version: combo.appVersion };
  payload.context = context;
  if (reason === 'FILTERED_BY_INTEGRATIONS_OBJECT') payload.integrations = { All: true, [destinationName(destinationId)]: false };
  return { payload, error: errorText(step, reason, combo, destinationId), ...makeExchange(step, reason, destinationId, String(payload.messageId), payload) };
}

function trackProperties(rng: Rng, name: string, reason: string): Record<string, unknown> {
  switch (name) {
    case 'Order Completed':
    case 'Checkout Started':
      return {
        order_id: `ord_${rng.hex(10)}`,
        revenue: reason === 'schema_violation' ? `${rng.int(10, 400)}.99` : rng.int(1000, 40000) / 100,
        currency: 'USD',
        products: [{ product_id: `SKU-${rng.int(1000, 9999)}`, quantity: rng.int(1, 3) }],
      };
    case 'Product Viewed':
    case 'Product Added':
      return {
        product_id: `SKU-${rng.int(1000, 9999)}`,
        price: reason === 'schema_violation' ? `${rng.int(5, 200)}.00` : rng.int(500, 20000) / 100,
        category: rng.pick(['Shoes', 'Jackets', 'Bags', 'Accessories']),
      };
    case 'Search Performed':
      return { query: rng.pick(['running shoes', 'rain jacket', 'backpack', 'gift card']) };
    default:
      return reason === 'schema_violation' ? { plan_id: rng.int(1, 9) } : {};
  }
}

function pagePath(name: string): string {
  return name === 'Home' ? '/' : `/${name.toLowerCase().replace(/\s+/g, '-')}`;
}

function destinationName(id: string): string {
  const bare = id.replace(/^dst_/, '').replace(/_actions$/, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

function errorText(step: ReportStep, reason: string, combo: Combo, destinationId: string): string {
  const name = combo.event.name;
  switch (reason) {
    case 'no_user_anon_id':
    case 'id_required':
      return 'The message has neither userId nor anonymousId';
    case 'id_not_string':
      return 'anonymousId must be a non-empty string';
    case 'event_not_defined':
      return 'Track call is missing the "event" field';
    case 'properties_not_object':
      return '"properties" must be an object, got string';
    case 'traits_not_object':
      return '"traits" must be an object, got string';
    case 'name_not_string':
      return '"name" must be a string, got number';
    case 'schema_violation':
      return `"${name}" violates the tracking plan: property has type string, the plan requires number (app ${combo.appVersion})`;
    case 'unplanned':
      return `"${name}" is not in the tracking plan and unplanned events are blocked`;
    case 'event_setting':
      return `"${name}" is switched off in the source's event settings`;
    case 'UNSUPPORTED_EVENT_TYPE':
      return `${destinationName(destinationId)} does not accept ${combo.event.type} calls`;
    case 'FILTERED_BY_RULES':
      return `Dropped by the destination filter "Drop ${name}"`;
    case 'FILTERED_BY_INTEGRATIONS_OBJECT':
      return `integrations.${destinationName(destinationId)} is false in the message`;
    case 'FILTERED_BY_END_USER_CONSENT':
      return 'The user has not consented to the category of this destination';
    case 'NO_MATCHING_MAPPING':
      return `No enabled mapping triggers on ${combo.event.type} "${name}"`;
    case 'FILTERED_AT_MAPPING':
      return 'The mapping trigger condition did not match the event';
    case '400':
      return 'HTTP 400 Bad Request: {"error":"invalid value for field \\"time\\""}';
    case '401':
      return 'HTTP 401 Unauthorized: API key is invalid or expired';
    case '404':
      return 'HTTP 404 Not Found: contact does not exist';
    case 'MESSAGE_REJECTED':
      return 'The destination rejected the message: event is older than the accepted window';
    case '429':
      return 'HTTP 429 Too Many Requests: rate limit of 1000 events/s exceeded';
    case 'ETIMEDOUT':
      return 'Request timed out after 10000 ms';
    case '503':
      return 'HTTP 503 Service Unavailable';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    default:
      return `${step}: ${reason}`;
  }
}

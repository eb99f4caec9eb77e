/**
 * The demo workspace the simulator plays: its sources, destinations (with their
 * connections, filters, error profiles and Actions mappings), its event catalogue and
 * app versions, and the incidents that make the demo worth looking at. Pure data.
 */
import type { Weighted } from './random';
import type { Platform, SimDestination, SimEventDef, SimEventType, SimMapping, WorkspaceModel } from './model.types';

// Types and incidents live next door; importers keep using './model'.
export * from './model.types';
export { demoIncidents, EXAMPLE_MESSAGE_ID } from './model.incidents';
import { DEMO_CONNECTIONS } from './model.connections';

const ALL: readonly Platform[] = ['web', 'mobile', 'server'];
const CLIENT: readonly Platform[] = ['web', 'mobile'];
const WEB: readonly Platform[] = ['web'];
const MOBILE: readonly Platform[] = ['mobile'];
const WEB_SERVER: readonly Platform[] = ['web', 'server'];

const EVENTS: readonly SimEventDef[] = [
  // track
  { type: 'track', name: 'Product Viewed', weight: 18, platforms: CLIENT },
  { type: 'track', name: 'Product List Viewed', weight: 9, platforms: CLIENT },
  { type: 'track', name: 'Product Added', weight: 6, platforms: CLIENT },
  { type: 'track', name: 'Search Performed', weight: 7, platforms: CLIENT },
  { type: 'track', name: 'Cart Viewed', weight: 4, platforms: CLIENT },
  { type: 'track', name: 'Checkout Started', weight: 3, platforms: ALL },
  { type: 'track', name: 'Coupon Applied', weight: 1, platforms: CLIENT },
  { type: 'track', name: 'Order Completed', weight: 2.5, platforms: ALL },
  { type: 'track', name: 'Payment Failed', weight: 0.4, platforms: ['server'] },
  { type: 'track', name: 'Signed Up', weight: 1.2, platforms: ALL },
  { type: 'track', name: 'Logged In', weight: 4, platforms: CLIENT },
  { type: 'track', name: 'Subscription Started', weight: 0.6, platforms: ['server'] },
  { type: 'track', name: 'Email Opened', weight: 5, platforms: ['server'] },
  { type: 'track', name: 'Push Notification Opened', weight: 2, platforms: MOBILE },
  { type: 'track', name: 'Application Opened', weight: 6, platforms: MOBILE },
  // page / screen
  { type: 'page', name: 'Home', weight: 10, platforms: WEB },
  { type: 'page', name: 'Product Detail', weight: 12, platforms: WEB },
  { type: 'page', name: 'Checkout', weight: 3, platforms: WEB },
  { type: 'screen', name: 'Home', weight: 9, platforms: MOBILE },
  { type: 'screen', name: 'Product Detail', weight: 10, platforms: MOBILE },
  { type: 'screen', name: 'Cart', weight: 3, platforms: MOBILE },
  // identify / group
  { type: 'identify', name: 'Identify', weight: 5, platforms: ALL },
  { type: 'group', name: 'Group', weight: 1, platforms: WEB_SERVER },
];

const INGEST_REASONS_CLIENT: readonly Weighted<string>[] = [
  { value: 'no_user_anon_id', weight: 5 },
  { value: 'event_not_defined', weight: 2 },
  { value: 'properties_not_object', weight: 1 },
  { value: 'name_not_string', weight: 1 },
];
const INGEST_REASONS_SERVER: readonly Weighted<string>[] = [
  { value: 'id_required', weight: 5 },
  { value: 'id_not_string', weight: 2 },
  { value: 'event_not_defined', weight: 1 },
  { value: 'traits_not_object', weight: 1 },
];
const SOURCE_FILTER_REASONS: readonly Weighted<string>[] = [
  { value: 'schema_violation', weight: 6 },
  { value: 'unplanned', weight: 3 },
  { value: 'event_setting', weight: 1.5 },
];

export const DEMO_WORKSPACE: WorkspaceModel = {
  id: 'demo',
  name: 'Demo Store',
  events: EVENTS,
  singleEventsPerMinute: 0.3,
  eventsPerReport: 150,
  sampleRate: 0.05,
  connections: DEMO_CONNECTIONS,
  sources: [
    {
      id: 'src_web',
      name: 'Storefront (Web)',
      platform: 'web',
      ratePerMinute: 700,
      rhythm: 1,
      appVersions: [
        { value: '2.3.1', weight: 2 },
        { value: '2.4.0', weight: 5 },
        { value: '2.5.0', weight: 3 },
      ],
      enrichedShare: 0.35,
      failedIngestRate: 0.002,
      failedIngestReasons: INGEST_REASONS_CLIENT,
      filteredSourceRate: 0.025,
      filteredSourceReasons: SOURCE_FILTER_REASONS,
      library: { name: 'analytics.js', version: '5.2.0' },
    },
    {
      id: 'src_ios',
      name: 'Shop App (iOS)',
      platform: 'mobile',
      ratePerMinute: 400,
      rhythm: 1,
      appVersions: [
        { value: '3.8.2', weight: 2 },
        { value: '3.9.0', weight: 5 },
        { value: '4.0.0', weight: 4 },
      ],
      enrichedShare: 0.25,
      failedIngestRate: 0.003,
      failedIngestReasons: INGEST_REASONS_CLIENT,
      filteredSourceRate: 0.03,
      filteredSourceReasons: SOURCE_FILTER_REASONS,
      library: { name: 'analytics-swift', version: '1.5.3' },
    },
    {
      id: 'src_android',
      name: 'Shop App (Android)',
      platform: 'mobile',
      ratePerMinute: 320,
      rhythm: 1,
      appVersions: [
        { value: '3.8.1', weight: 3 },
        { value: '3.9.0', weight: 6 },
        { value: '3.9.1', weight: 2 },
      ],
      enrichedShare: 0.25,
      failedIngestRate: 0.004,
      failedIngestReasons: INGEST_REASONS_CLIENT,
      filteredSourceRate: 0.035,
      filteredSourceReasons: SOURCE_FILTER_REASONS,
      library: { name: 'analytics-kotlin', version: '1.16.0' },
    },
    {
      id: 'src_server',
      name: 'Order Service (Node.js)',
      platform: 'server',
      ratePerMinute: 200,
      rhythm: 0.5,
      appVersions: [
        { value: '1.42.0', weight: 3 },
        { value: '1.43.0', weight: 7 },
      ],
      enrichedShare: 0.5,
      failedIngestRate: 0.001,
      failedIngestReasons: INGEST_REASONS_SERVER,
      filteredSourceRate: 0.01,
      filteredSourceReasons: SOURCE_FILTER_REASONS,
      library: { name: 'analytics-node', version: '2.1.0' },
    },
  ],
  destinations: [
    {
      id: 'dst_amplitude',
      name: 'Amplitude',
      kind: 'classic',
      sourceIds: ['src_web', 'src_ios', 'src_android'],
      unsupportedEventTypes: ['group'],
      blockedEventNames: ['Search Performed'],
      filterRate: 0.012,
      filterReasons: [
        { value: 'FILTERED_BY_INTEGRATIONS_OBJECT', weight: 3 },
        { value: 'FILTERED_BY_END_USER_CONSENT', weight: 1 },
      ],
      failRate: 0.0015,
      failReasons: [
        { value: '400', weight: 5 },
        { value: 'MESSAGE_REJECTED', weight: 2 },
      ],
      retryRate: 0.003,
      retryReasons: [
        { value: '429', weight: 3 },
        { value: 'ETIMEDOUT', weight: 2 },
        { value: '503', weight: 1 },
      ],
      retryFailShare: 0.08,
      mappings: [],
      sync: null,
    },
    {
      id: 'dst_mixpanel',
      name: 'Mixpanel',
      kind: 'classic',
      sourceIds: ['src_web', 'src_server'],
      unsupportedEventTypes: ['page'],
      blockedEventNames: [],
      filterRate: 0.008,
      filterReasons: [{ value: 'FILTERED_BY_INTEGRATIONS_OBJECT', weight: 1 }],
      failRate: 0.001,
      failReasons: [
        { value: '400', weight: 3 },
        { value: '401', weight: 1 },
      ],
      retryRate: 0.002,
      retryReasons: [
        { value: 'ETIMEDOUT', weight: 2 },
        { value: '503', weight: 2 },
        { value: 'ECONNRESET', weight: 1 },
      ],
      retryFailShare: 0.1,
      mappings: [],
      sync: null,
    },
    {
      id: 'dst_braze_actions',
      name: 'Braze (Actions)',
      kind: 'actions',
      sourceIds: ['src_ios', 'src_android', 'src_server'],
      unsupportedEventTypes: [],
      blockedEventNames: ['Email Opened'],
      filterRate: 0.01,
      filterReasons: [
        { value: 'FILTERED_AT_MAPPING', weight: 3 },
        { value: 'FILTERED_BY_INTEGRATIONS_OBJECT', weight: 1 },
      ],
      failRate: 0.002,
      failReasons: [
        { value: '400', weight: 3 },
        { value: 'MESSAGE_REJECTED', weight: 1 },
      ],
      retryRate: 0.0025,
      retryReasons: [
        { value: '429', weight: 2 },
        { value: '503', weight: 1 },
      ],
      retryFailShare: 0.1,
      mappings: [
        { id: 'track_page_view', name: 'Track Page View', eventTypes: ['page', 'screen'] },
        { id: 'identify_user', name: 'Identify User', eventTypes: ['identify'] },
        { id: 'track_purchase', name: 'Track Purchase', eventTypes: ['track'], eventNames: ['Order Completed', 'Subscription Started'] },
      ],
      sync: null,
    },
    {
      id: 'dst_hubspot_actions',
      name: 'HubSpot (Actions)',
      kind: 'actions',
      sourceIds: ['src_web', 'src_server'],
      unsupportedEventTypes: [],
      blockedEventNames: [],
      filterRate: 0.006,
      filterReasons: [{ value: 'FILTERED_AT_MAPPING', weight: 1 }],
      failRate: 0.003,
      failReasons: [
        { value: '400', weight: 2 },
        { value: '401', weight: 1 },
        { value: '404', weight: 1 },
      ],
      retryRate: 0.004,
      retryReasons: [
        { value: '429', weight: 4 },
        { value: 'ETIMEDOUT', weight: 1 },
      ],
      retryFailShare: 0.12,
      mappings: [
        { id: 'upsert_contact', name: 'Upsert Contact', eventTypes: ['identify'] },
        {
          id: 'send_custom_behavioral_event',
          name: 'Send Custom Behavioral Event',
          eventTypes: ['track'],
          eventNames: ['Order Completed', 'Checkout Started', 'Signed Up', 'Subscription Started', 'Payment Failed'],
        },
      ],
      sync: null,
    },
    {
      id: 'dst_bigquery',
      name: 'BigQuery',
      kind: 'storage',
      sourceIds: ['src_web', 'src_ios', 'src_android', 'src_server'],
      unsupportedEventTypes: [],
      blockedEventNames: [],
      filterRate: 0.004,
      filterReasons: [{ value: 'FILTERED_BY_INTEGRATIONS_OBJECT', weight: 1 }],
      failRate: 0,
      failReasons: [],
      retryRate: 0,
      retryReasons: [],
      retryFailShare: 0,
      mappings: [],
      sync: {
        everyMinutes: 60,
        offsetMinutes: 5,
        collections: [
          { value: 'tracks', weight: 40 },
          { value: 'pages', weight: 12 },
          { value: 'screens', weight: 12 },
          { value: 'identifies', weight: 5 },
          { value: 'order_completed', weight: 3 },
          { value: 'product_viewed', weight: 18 },
        ],
      },
    },
    {
      id: 'dst_snowflake',
      name: 'Snowflake',
      kind: 'storage',
      sourceIds: ['src_web', 'src_server'],
      unsupportedEventTypes: [],
      blockedEventNames: ['Email Opened'],
      filterRate: 0.004,
      filterReasons: [{ value: 'FILTERED_BY_INTEGRATIONS_OBJECT', weight: 1 }],
      failRate: 0,
      failReasons: [],
      retryRate: 0,
      retryReasons: [],
      retryFailShare: 0,
      mappings: [],
      sync: {
        everyMinutes: 60,
        offsetMinutes: 35,
        collections: [
          { value: 'tracks', weight: 45 },
          { value: 'pages', weight: 25 },
          { value: 'identifies', weight: 6 },
          { value: 'groups', weight: 1 },
        ],
      },
    },
  ],
};

/** Display names for the catalog: every source, destination and Actions mapping. */
export function displayNames(model: WorkspaceModel): { entity: 'source' | 'destination' | 'mapping'; id: string; name: string }[] {
  const out: { entity: 'source' | 'destination' | 'mapping'; id: string; name: string }[] = [];
  for (const s of model.sources) out.push({ entity: 'source', id: s.id, name: s.name });
  for (const d of model.destinations) {
    out.push({ entity: 'destination', id: d.id, name: d.name });
    for (const m of d.mappings) out.push({ entity: 'mapping', id: m.id, name: m.name });
  }
  for (const d of [...(model.connections?.retl ?? []), ...(model.connections?.audiences ?? [])]) out.push({ entity: 'destination', id: d.id, name: d.name });
  for (const d of model.connections?.retl ?? []) for (const m of d.mappings) out.push({ entity: 'mapping', id: m.id, name: m.name });
  return out;
}

/** The mapping an event triggers on an Actions destination (first match), or null. */
export function routeMapping(dest: SimDestination, type: SimEventType, name: string): SimMapping | null {
  for (const m of dest.mappings) {
    if (!m.eventTypes.includes(type)) continue;
    if (m.eventNames && !m.eventNames.includes(name)) continue;
    return m;
  }
  return null;
}

/**
 * The demo's two connection kinds: one Reverse ETL destination (a warehouse model synced to a
 * CRM through mappings) and one audience destination (audiences of a space sent to an ad
 * platform), with their error profiles and the incidents worth looking at. Pure data.
 */
import { HOUR, MINUTE } from './generator.time';
import type { Weighted } from './random';

export interface SimRetlMapping {
  id: string;
  name: string;
  /** The operations it sends; the others are filtered as OPERATION_NOT_SYNCED. */
  operations: readonly string[];
}

export interface SimRetl {
  id: string;
  name: string;
  /** The warehouse source whose model the runs read. */
  sourceId: string;
  /** A run starts every `everyMinutes`, `offsetMinutes` after the hour. */
  everyMinutes: number;
  offsetMinutes: number;
  /** Mean records per run and operation. */
  records: Readonly<Record<'added' | 'updated' | 'removed', number>>;
  failExtractRate: number;
  failExtractReasons: readonly Weighted<string>[];
  mappings: readonly SimRetlMapping[];
  filterRate: number;
  failRate: number;
  failReasons: readonly Weighted<string>[];
  retryRate: number;
}

export interface SimAudience {
  id: string;
  name: string;
  spaceId: string;
  /** Mean profiles entering and leaving per computation. */
  entered: number;
  exited: number;
}

export interface SimAudienceDestination {
  id: string;
  name: string;
  /** The space's profile source. */
  sourceId: string;
  everyMinutes: number;
  audiences: readonly SimAudience[];
  filterRate: number;
  filterReasons: readonly Weighted<string>[];
  failRate: number;
  failReasons: readonly Weighted<string>[];
  retryRate: number;
}

export interface DemoConnections {
  retl: readonly SimRetl[];
  audiences: readonly SimAudienceDestination[];
}

export const DEMO_CONNECTIONS: DemoConnections = {
  retl: [
    {
      id: 'dst_salesforce_retl',
      name: 'Salesforce (Reverse ETL)',
      sourceId: 'src_snowflake_models',
      everyMinutes: 15,
      offsetMinutes: 4,
      records: { added: 90, updated: 260, removed: 25 },
      failExtractRate: 0.004,
      failExtractReasons: [
        { value: 'PRIMARY_KEY_MISSING', weight: 3 },
        { value: 'DUPLICATE_PRIMARY_KEY', weight: 1 },
      ],
      mappings: [
        { id: 'map_upsert_accounts', name: 'Upsert Accounts', operations: ['added', 'updated'] },
        { id: 'map_sync_contacts', name: 'Sync Contacts', operations: ['added', 'updated', 'removed'] },
      ],
      filterRate: 0.02,
      failRate: 0.004,
      failReasons: [
        { value: '400', weight: 2 },
        { value: 'RECORD_NOT_FOUND', weight: 3 },
      ],
      retryRate: 0.01,
    },
  ],
  audiences: [
    {
      id: 'dst_google_ads_audiences',
      name: 'Google Ads (Audiences)',
      sourceId: 'src_engage_space',
      everyMinutes: 10,
      audiences: [
        { id: 'aud_cart_abandoners', name: 'Cart abandoners', spaceId: 'spa_storefront', entered: 40, exited: 30 },
        { id: 'aud_high_value', name: 'High-value customers', spaceId: 'spa_storefront', entered: 12, exited: 4 },
        { id: 'aud_lapsed', name: 'Lapsed subscribers', spaceId: 'spa_lifecycle', entered: 20, exited: 8 },
      ],
      filterRate: 0.06,
      filterReasons: [
        { value: 'NO_MATCHING_IDENTIFIER', weight: 5 },
        { value: 'FILTERED_BY_END_USER_CONSENT', weight: 1 },
      ],
      failRate: 0.004,
      failReasons: [
        { value: 'INVALID_IDENTIFIER', weight: 3 },
        { value: '400', weight: 1 },
      ],
      retryRate: 0.01,
    },
  ],
};

/** The model's columns changed: most records of every run fail to extract until the mappings catch up. */
export interface RetlSchemaChange {
  kind: 'retl_schema_change';
  id: string;
  destinationId: string;
  start: number;
  end: number;
  rate: number;
}

/** One mapping's credentials expired: everything it sends fails with 401. */
export interface RetlMappingAuth {
  kind: 'retl_mapping_auth';
  id: string;
  destinationId: string;
  mappingId: string;
  start: number;
  end: number;
}

/** The list an audience syncs into was deleted at the destination. */
export interface AudienceListDeleted {
  kind: 'audience_list_deleted';
  id: string;
  destinationId: string;
  audienceId: string;
  start: number;
  end: number;
}

export type ConnectionIncident = RetlSchemaChange | RetlMappingAuth | AudienceListDeleted;

/** The connection incidents of the demo, inside the last 24 hours of `now`. */
export function connectionIncidents(now: number): ConnectionIncident[] {
  const base = Math.floor(now / MINUTE) * MINUTE;
  return [
    { kind: 'retl_schema_change', id: 'retl-schema-contacts', destinationId: 'dst_salesforce_retl', start: base - 6 * HOUR, end: base - 5 * HOUR, rate: 0.7 },
    {
      kind: 'retl_mapping_auth',
      id: 'retl-auth-accounts',
      destinationId: 'dst_salesforce_retl',
      mappingId: 'map_upsert_accounts',
      start: base - 2 * HOUR,
      end: base - 80 * MINUTE,
    },
    {
      kind: 'audience_list_deleted',
      id: 'audience-list-lapsed',
      destinationId: 'dst_google_ads_audiences',
      audienceId: 'aud_lapsed',
      start: base - 4 * HOUR,
      end: base - 150 * MINUTE,
    },
  ];
}

import type { ApiError } from '../api/client';
import type { AlertKind } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';

export const KIND_NAMES: Record<AlertKind, string> = {
  DELIVERY_RATE_BELOW: 'Delivery rate below',
  DISCARD_RATE_ABOVE: 'Discard rate above',
  SOURCE_VOLUME_ANOMALY: 'Source volume anomaly',
  SYNC_FAILURES: 'Sync failures',
  RETRY_PENDING_ABOVE: 'Retry pending above',
  RETL_MAPPING_DELIVERY_RATE_BELOW: 'Reverse ETL mapping delivery rate below',
  AUDIENCE_SYNC_HEALTH_BELOW: 'Audience sync health below',
  DESTINATION_QUIET: 'Destination going quiet',
};

/** Why a change to a rule was refused: a missing admin scope in words, anything else as a notice. */
export function MutationProblem({ error }: { error: ApiError }) {
  if (error.kind === 'auth') {
    return (
      <p className="notice notice-error" role="alert">
        {error.message} Changing alert rules needs a token with the admin scope.
      </p>
    );
  }
  return <ErrorNotice error={error} retry={() => undefined} />;
}

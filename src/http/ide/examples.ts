/** One IDE tab: an operation and its variables, one click away. */
export interface IdeExample {
  query: string;
  variables?: string;
}

/** The destination the demo data features; every example starts there. */
export const EXAMPLE_DESTINATION = 'dst_amplitude';

const vars = (v: Record<string, unknown>) => JSON.stringify(v, null, 2);

/**
 * The IDE's default tabs (GraphiQL `defaultTabs`): the questions the README walks
 * through, against the demo workspace. Kept valid against the schema by
 * test/integration/ide.test.ts, except the alert example, which is commented out.
 */
export const IDE_EXAMPLES: readonly IdeExample[] = [
  {
    query: `# Where are events dropped? Ctrl-Enter runs it.
query Pipeline($id: ID!, $range: TimeRangeInput!) {
  destination(id: $id) {
    name
    kind
    retryPending
    pipeline(range: $range) {
      steps {
        label
        count
        share
        isDiscard
        change { count relativePercent percentagePoints }
      }
    }
  }
}
`,
    variables: vars({ id: EXAMPLE_DESTINATION, range: { preset: 'LAST_24_HOURS' } }),
  },
  {
    query: `# Which events, names and app versions failed delivery, and for one reason?
query Breakdown($id: ID!, $reason: String) {
  destination(id: $id) {
    breakdown(step: FAILED_DELIVERY, reason: $reason, range: { preset: LAST_7_DAYS }, first: 20) {
      eventType
      eventName
      appVersion
      count
      share
      change { count percentagePoints }
    }
  }
}
`,
    variables: vars({ id: EXAMPLE_DESTINATION, reason: null }),
  },
  {
    query: `# Why? One row per reason, with what to do about it and a few samples.
query Discards($id: ID!) {
  destination(id: $id) {
    discards(step: FAILED_DELIVERY, range: { preset: LAST_24_HOURS }) {
      count
      share
      change { percentagePoints }
      reason { code title remedy docsUrl }
      samples(limit: 3) { at messageId error payload }
    }
  }
}
`,
    variables: vars({ id: EXAMPLE_DESTINATION }),
  },
  {
    query: `# Live: the retry-pending gauge now, then on every change (over graphql-ws).
# Press the stop button to end it.
subscription RetryPending($id: ID!) {
  retryPendingChanged(destinationId: $id) {
    count
    at
  }
}
`,
    variables: vars({ id: EXAMPLE_DESTINATION }),
  },
  {
    query: `# Alert rules need a token with the admin scope: uncomment the mutation (select the
# lines, Ctrl-/) and run it with such a token to be told when deliveries degrade.
#
# mutation CreateAlertRule {
#   createAlertRule(input: {
#     name: "Amplitude: failed deliveries above 5%"
#     kind: DISCARD_RATE_ABOVE
#     destinationId: "${EXAMPLE_DESTINATION}"
#     step: FAILED_DELIVERY
#     threshold: 5
#     windowMinutes: 60
#     webhookUrl: "https://hooks.example.com/delivery-alerts"
#   }) {
#     id
#     name
#     kind
#     threshold
#   }
# }

query Destinations {
  destinations { id name kind }
}
`,
  },
];

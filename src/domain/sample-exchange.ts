/**
 * A failed delivery's HTTP exchange as kept with its discard sample: validated and redacted
 * by ingest (src/ingest/sample.exchange.ts), read back by metrics, served by GraphQL.
 */

export interface SampleHeader {
  name: string;
  value: string;
}

/** '' means "not sent" for every text field; `body` is a string body as sent, any other JSON as its JSON text. */
export interface SampleRequest {
  method: string;
  url: string;
  headers: SampleHeader[];
  body: string;
}

export interface SampleResponse {
  status: number | null;
  headers: SampleHeader[];
  body: string;
}

export interface SampleExchange {
  request: SampleRequest | null;
  response: SampleResponse | null;
}

/** As stored (migration 0035): the body cut at the sample size limit, and whether it was. */
export type Stored<T extends SampleRequest | SampleResponse> = T & { bodyTruncated: boolean };

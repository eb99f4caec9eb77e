/**
 * Reading a sample's request and response back (migration 0035): JSON text written by the
 * row encoder, with secrets already redacted and bodies already cut at ingest. Text the
 * producer did not send ('' in storage) reads as null, as the other sample fields do.
 */
import type { SampleHeader, SampleRequest, SampleResponse, Stored } from '../domain/sample-exchange';

export interface StoredRequest {
  method: string | null;
  url: string | null;
  headers: SampleHeader[];
  body: string | null;
  bodyTruncated: boolean;
}

export interface StoredResponse {
  status: number | null;
  headers: SampleHeader[];
  body: string | null;
  bodyTruncated: boolean;
}

function parsed<T extends SampleRequest | SampleResponse>(json: string): Stored<T> | null {
  if (json === '') return null;
  try {
    const v = JSON.parse(json) as Stored<T>;
    return v !== null && typeof v === 'object' && Array.isArray(v.headers) ? v : null;
  } catch {
    return null;
  }
}

/** '' (no request, or a row older than the migration) is null; so is text this gateway did not write. */
export function storedRequest(json: string): StoredRequest | null {
  const r = parsed<SampleRequest>(json);
  return r && { method: r.method || null, url: r.url || null, headers: r.headers, body: r.body || null, bodyTruncated: r.bodyTruncated === true };
}

export function storedResponse(json: string): StoredResponse | null {
  const r = parsed<SampleResponse>(json);
  return r && { status: typeof r.status === 'number' ? r.status : null, headers: r.headers, body: r.body || null, bodyTruncated: r.bodyTruncated === true };
}

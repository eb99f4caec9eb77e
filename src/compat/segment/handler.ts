import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ErrorCode } from '../../domain/errors';
import { authorizeRead, type ReadCaller, type RestReadDeps } from '../../rest/rest-read';
import { sendJson } from '../../http/respond';
import type { StepScope } from '../../metrics/step-scope';
import { timeseries } from '../../metrics/timeseries.query';
import { compatAnswer } from './answer';
import { COMPAT_ENDPOINTS, COMPAT_PREFIX, type CompatEndpoint } from './endpoints';
import { sendCompatError } from './errors';
import { parseCompatParams, type CompatRequest } from './params';
import { sliceOf } from '../../metrics/slice';

/**
 * GET /compat/segment/delivery-overview/<endpoint>: the reference product's public
 * delivery-overview API, so its official SDKs work against this gateway with the base
 * path pointed here. Every answer and every error is shaped as the reference shapes it.
 * One ClickHouse statement per request (the catalog checks read the shared snapshot).
 */
export async function handleSegmentCompat(req: IncomingMessage, res: ServerResponse, requestId: string, url: URL, deps: RestReadDeps): Promise<void> {
  try {
    const name = url.pathname.slice(COMPAT_PREFIX.length);
    // An own property only: `constructor` or `__proto__` is no endpoint (it was a 500 with a stack).
    const endpoint = Object.hasOwn(COMPAT_ENDPOINTS, name) ? COMPAT_ENDPOINTS[name] : undefined;
    if (!url.pathname.startsWith(COMPAT_PREFIX) || !endpoint) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `No endpoint ${url.pathname.slice(0, 128)}; the delivery-overview endpoints are ${Object.keys(COMPAT_ENDPOINTS).join(', ')}`,
      );
    }
    if (req.method !== 'GET') throw new AppError(ErrorCode.NOT_FOUND, `No ${req.method} endpoint at ${url.pathname}; use GET`);
    const caller = await authorizeRead(req, deps);
    const request = parseCompatParams(url.searchParams, endpoint, caller.now);
    const scope = await scopeOf(caller, endpoint, request);
    const slice = sliceOf(request.range, { mappingId: scope.destinationId === '' ? null : request.mappingId, filter: request.filter });
    const list = await timeseries(caller.wdb, scope, slice, request.granularity, request.dimensions, { offset: request.offset, count: request.count });
    sendJson(res, 200, compatAnswer(list, request));
  } catch (err) {
    sendCompatError(res, err, requestId, deps.log, url.pathname);
  }
}

/**
 * Which rows the endpoint counts: a source's own source-side rows, or a destination's
 * rows of that source (narrowed to one Actions mapping by `subscriptionId`). Unknown ids,
 * and a source not connected to the destination, are 404.
 */
async function scopeOf(caller: ReadCaller, endpoint: CompatEndpoint, request: CompatRequest): Promise<StepScope> {
  const [source] = await caller.catalog.sources([request.sourceId]);
  if (!source) throw new AppError(ErrorCode.NOT_FOUND, `No source ${request.sourceId} in this workspace`, { field: 'sourceId' });
  const base = { step: endpoint.step, reasons: request.reasons };
  if (!endpoint.destinationSide || request.destinationId === null) return { ...base, destinationId: '', sourceIds: [source.id] };
  const [destination] = await caller.catalog.destinations([request.destinationId]);
  if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${request.destinationId} in this workspace`, { field: 'destinationConfigId' });
  const connections = await caller.catalog.connections([destination.id]);
  if (!connections.some((c) => c.sourceId === source.id)) {
    throw new AppError(ErrorCode.NOT_FOUND, `Source ${source.id} is not connected to destination ${destination.id}`, { field: 'destinationConfigId' });
  }
  if (request.mappingId !== null) {
    if (destination.kind !== 'actions')
      throw new AppError(ErrorCode.BAD_USER_INPUT, `subscriptionId applies to Actions destinations; ${destination.id} is ${destination.kind}`, {
        field: 'subscriptionId',
      });
    const mappings = await caller.catalog.mappings([destination.id]);
    if (!mappings.some((m) => m.id === request.mappingId))
      throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no subscription (mapping) ${request.mappingId}`, { field: 'subscriptionId' });
  }
  return { ...base, destinationId: destination.id, sourceIds: [], sourceId: source.id };
}

/**
 * The first module the page runs, small on purpose: it takes a #token= from the address and
 * sends the request that draws the current view while the browser is still evaluating React.
 */
import { prefetch } from './api/prefetch';
import { takeTokenFromAddress } from './api/token';
import { DestinationViewDocument, OverviewDocument } from './gql/graphql';
import { overviewVariables, parseDestinationState } from './state';
import { destinationViewVariables } from './views/destination-query';

takeTokenFromAddress();
const destination = /^\/destinations\/([^/]+)\/?$/.exec(location.pathname);
const params = new URLSearchParams(location.search);
const state = parseDestinationState(params);
const usable = !state.zoneProblem && !state.rangeProblem;
if (destination && usable) prefetch(DestinationViewDocument, destinationViewVariables(decodeURIComponent(destination[1]), state, false));
else if (location.pathname === '/' && usable) prefetch(OverviewDocument, overviewVariables(params));

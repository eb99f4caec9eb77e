/**
 * The first module the page runs, small on purpose: it takes a #token= from the address and
 * sends the request that draws the current view while the browser is still evaluating React.
 */
import { prefetch } from './api/prefetch';
import { takeTokenFromAddress } from './api/token';
import { DestinationPageDocument, OverviewDocument } from './gql/graphql';
import { destinationPageVariables, overviewVariables, parseDestinationState } from './state';

takeTokenFromAddress();
const destination = /^\/destinations\/([^/]+)\/?$/.exec(location.pathname);
const params = new URLSearchParams(location.search);
if (destination) prefetch(DestinationPageDocument, destinationPageVariables(decodeURIComponent(destination[1]), parseDestinationState(params)));
else if (location.pathname === '/') prefetch(OverviewDocument, overviewVariables(params));

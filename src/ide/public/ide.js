/*
 * The gateway's GraphQL IDE: GraphiQL with a fetcher that sends queries and mutations
 * as HTTP POSTs and subscriptions over graphql-ws, both to this page's own URL.
 * The WebSocket's connection_init payload is { authorization: "Bearer <token>" }, read
 * from the headers editor; a new Authorization value opens a new connection.
 * Plain browser JavaScript, served as is from src/ide/public (no build step).
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('ide-config').textContent);
  var httpUrl = location.pathname;
  var wsUrl = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + location.pathname;

  function headerValue(headers, name) {
    for (var key in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, key) && key.toLowerCase() === name) return headers[key];
    }
    return undefined;
  }

  /**
   * 'query' | 'mutation' | 'subscription' for the operation GraphiQL runs. Comments and
   * strings are blanked, then top-level definitions are read keyword by keyword;
   * braces and parentheses are tracked so nothing nested is mistaken for one.
   */
  function operationType(query, operationName) {
    var src = String(query || '').replace(/"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*/g, ' ');
    var re = /[{}()]|\b(query|mutation|subscription|fragment)\b(?:\s+([_A-Za-z][_0-9A-Za-z]*))?/g;
    var ops = [];
    var depth = 0;
    var inDefinition = false;
    var m;
    while ((m = re.exec(src)) !== null) {
      var token = m[0];
      if (token === '{' || token === '(') {
        if (depth === 0 && token === '{' && !inDefinition) ops.push({ type: 'query', name: null });
        if (depth === 0) inDefinition = true;
        depth++;
      } else if (token === '}' || token === ')') {
        depth = Math.max(0, depth - 1);
        if (depth === 0 && token === '}') inDefinition = false;
      } else if (depth === 0 && !inDefinition) {
        inDefinition = true;
        if (m[1] !== 'fragment') ops.push({ type: m[1], name: m[2] || null });
      }
    }
    var op = operationName ? ops.find(function (o) { return o.name === operationName; }) : ops.length === 1 ? ops[0] : undefined;
    return op ? op.type : 'query';
  }

  var ws = null;
  function wsClient(authorization) {
    var key = authorization || '';
    if (ws && ws.key === key) return ws.client;
    if (ws) ws.client.dispose();
    var client = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: 0,
      connectionParams: function () {
        return authorization ? { authorization: authorization } : {};
      },
    });
    ws = { key: key, client: client };
    return client;
  }

  function closeMessage(event) {
    var hint = event.code === 4403 ? ': the token in the headers editor was refused' : '';
    return 'The WebSocket closed (' + event.code + (event.reason ? ' ' + event.reason : '') + ')' + hint;
  }

  /**
   * An async iterator GraphiQL reads results from. Written by hand rather than as an
   * async generator so that the stop button's return() reaches graphql-ws at once
   * (a generator would wait for the next value first).
   */
  function subscribe(params, headers) {
    var inner = wsClient(headerValue(headers, 'authorization')).iterate({
      query: params.query,
      variables: params.variables || undefined,
      operationName: params.operationName || undefined,
    });
    var iterator = {
      next: function () {
        return inner.next().catch(function (err) {
          if (err && typeof err.code === 'number' && !(err instanceof Error)) throw new Error(closeMessage(err));
          throw err;
        });
      },
      return: function () {
        return inner.return ? inner.return() : Promise.resolve({ done: true, value: undefined });
      },
    };
    iterator[Symbol.asyncIterator] = function () {
      return iterator;
    };
    return iterator;
  }

  async function post(params, headers) {
    var res = await fetch(httpUrl, {
      method: 'POST',
      credentials: 'omit',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }, headers),
      body: JSON.stringify({ query: params.query, variables: params.variables || undefined, operationName: params.operationName || undefined }),
    });
    var text = await res.text();
    try {
      return JSON.parse(text);
    } catch (err) {
      return { errors: [{ message: 'HTTP ' + res.status + ': ' + text.slice(0, 500) }] };
    }
  }

  function fetcher(params, opts) {
    var headers = (opts && opts.headers) || {};
    if (operationType(params.query, params.operationName) === 'subscription') return subscribe(params, headers);
    return post(params, headers);
  }

  window.DeliveryOverviewIde = { fetcher: fetcher, operationType: operationType, config: config };

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: config.tabs,
      defaultHeaders: config.headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: config.demo ? 'variables' : 'headers',
    }),
  );
})();

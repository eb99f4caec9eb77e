/* global graphqlWs, React, ReactDOM, GraphiQL -- the page's <script> tags load them before this file */
/*
 * The gateway's GraphQL IDE: GraphiQL with a fetcher that sends queries and mutations
 * as HTTP POSTs and subscriptions over graphql-ws, both to this page's own URL.
 * The WebSocket's connection_init payload is { authorization: "Bearer <token>" }, read
 * from the headers editor; a new Authorization value opens a new connection.
 * Plain browser JavaScript, served as is from src/http/ide/public (no build step).
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
   * The operations of a document as [{ type, name }]. Comments and strings are blanked,
   * then top-level definitions are read keyword by keyword; braces and parentheses
   * are tracked so nothing nested is mistaken for a definition.
   */
  function operations(query) {
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
    return ops;
  }

  /**
   * The operation GraphiQL asks to run. A name the document does not hold (GraphiQL can
   * send the previous tab's name right after a tab switch) falls back to the document's
   * only operation.
   */
  function selectOperation(query, operationName) {
    var ops = operations(query);
    var op = operationName
      ? ops.find(function (o) {
          return o.name === operationName;
        })
      : undefined;
    if (!op && ops.length === 1) op = ops[0];
    return op || { type: 'query', name: operationName || null };
  }

  /** 'query' | 'mutation' | 'subscription' for the operation GraphiQL runs. */
  function operationType(query, operationName) {
    return selectOperation(query, operationName).type;
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

  function fetcher(graphQLParams, opts) {
    var headers = (opts && opts.headers) || {};
    var op = selectOperation(graphQLParams.query, graphQLParams.operationName);
    var params = { query: graphQLParams.query, variables: graphQLParams.variables, operationName: op.name };
    if (op.type === 'subscription') return subscribe(params, headers);
    return post(params, headers);
  }

  window.DeliveryOverviewIde = { fetcher: fetcher, operationType: operationType, config: config };

  /**
   * localStorage as GraphiQL sees it, with two repairs and no extra writes:
   * - GraphiQL 3 opens the first of `defaultTabs` without its variables (it reads them
   *   from storage only), so until tabs are stored the first tab's variables are offered;
   * - headers are not persisted (tokens stay out of storage), so in demo mode restored
   *   tabs get the demo token back instead of an empty headers editor.
   */
  function safe(fn, fallback) {
    try {
      return fn();
    } catch (err) {
      return fallback;
    }
  }
  var storage = {
    getItem: function (key) {
      var value = safe(function () {
        return localStorage.getItem(key);
      }, null);
      if (key === 'graphiql:variables' && value === null && config.tabs.length > 0) {
        var stored = safe(function () {
          return localStorage.getItem('graphiql:tabState');
        }, null);
        if (stored === null) return config.tabs[0].variables || null;
      }
      if (key === 'graphiql:tabState' && value !== null && config.demo) {
        return safe(function () {
          var state = JSON.parse(value);
          state.tabs.forEach(function (tab) {
            if (!tab.headers) tab.headers = config.headers;
          });
          return JSON.stringify(state);
        }, value);
      }
      return value;
    },
    setItem: function (key, value) {
      safe(function () {
        localStorage.setItem(key, value);
      });
    },
    removeItem: function (key) {
      safe(function () {
        localStorage.removeItem(key);
      });
    },
    clear: function () {
      safe(function () {
        localStorage.clear();
      });
    },
    key: function (index) {
      return safe(function () {
        return localStorage.key(index);
      }, null);
    },
    get length() {
      return safe(function () {
        return localStorage.length;
      }, 0);
    },
  };

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      storage: storage,
      defaultTabs: config.tabs,
      defaultHeaders: config.headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: config.demo ? 'variables' : 'headers',
    }),
  );
})();

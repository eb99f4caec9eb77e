// Tracing overhead, end to end: the same GraphQL requests, alternating one by one between a
// gateway with tracing off and one with it on (OTLP/HTTP protobuf, batched, to a local sink), so
// both see the same machine. Run after npm run build: node scripts/bench-tracing.js
// (docs/operations.md, Tracing, has the figures it printed).
const { spawn } = require('child_process');
const readline = require('readline');

function start(mode) {
  const child = spawn(process.execPath, [__dirname + '/bench-tracing-gateway.js', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', (l) => resolve({ child, ...JSON.parse(l) })));
}
const ask = (g, query) =>
  fetch(`${g.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${g.token}` },
    body: JSON.stringify({ query }),
  }).then((r) => r.json());
const stats = (t) => {
  t.sort((a, b) => a - b);
  const n = t.length;
  return { n, mean: +(t.reduce((a, b) => a + b, 0) / n).toFixed(3), p50: +t[n >> 1].toFixed(3), p90: +t[Math.floor(n * 0.9)].toFixed(3) };
};
(async () => {
  const [off, on] = await Promise.all([start('off'), start('on')]);
  const out = { sdkModulesLoaded: { off: off.sdkModules, on: on.sdkModules } };
  const queries = [
    ['light { __typename }', '{ __typename }', 3000],
    ['pipeline of 10 destinations', 'query P { destinations { id pipeline(range: { preset: LAST_24_HOURS }) { steps { kind count } } } }', 600],
  ];
  for (const [name, q, n] of queries) {
    for (let i = 0; i < 50; i++) {
      await ask(off, q);
      await ask(on, q);
    }
    const t = { off: [], on: [] };
    for (let i = 0; i < n; i++)
      for (const [k, g] of i % 2
        ? [
            ['off', off],
            ['on', on],
          ]
        : [
            ['on', on],
            ['off', off],
          ]) {
        const t0 = performance.now();
        const r = await ask(g, q);
        t[k].push(performance.now() - t0);
        if (r.errors) throw new Error(JSON.stringify(r.errors));
      }
    out[name] = { off: stats(t.off), on: stats(t.on) };
  }
  console.log(JSON.stringify(out, null, 1));
  off.child.kill();
  on.child.kill();
  process.exit(0);
})();

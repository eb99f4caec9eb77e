// Side by side on one data directory: the 24-hour pipeline request of a destination page,
// single client (p50 over N sequential requests) and 8 concurrent clients (requests/s over
// a fixed time), against whatever gateway listens at BASE with TOKEN.
//   node tools/bench/side-by-side.mjs <base url> <token> [seconds]
const [base, token, secondsArg, which] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 15);
// 'page': what the destination page asks to draw its pipeline; default: the same with the destination's own gauge too.
const query =
  which === 'page'
    ? `query ($id: ID!) { destination(id: $id) { id name kind sources { id name } mappings { id name } pipeline(range: { preset: LAST_24_HOURS, timeZone: "Europe/Berlin" }) { from to previousFrom previousTo retryPending steps { kind label count previousCount share isDiscard change { count relativePercent percentagePoints } } } } }`
    : `query ($id: ID!) { destination(id: $id) { id retryPending pipeline(range: { preset: LAST_24_HOURS }) { from to retryPending steps { kind count previousCount share change { count relativePercent percentagePoints } } } } }`;
const body = JSON.stringify({ query, variables: { id: 'dst_amplitude' } });
const post = async () => {
  const t = performance.now();
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const json = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return performance.now() - t;
};
const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (let i = 0; i < 10; i++) await post(); // warm
const single = [];
for (let i = 0; i < 60; i++) single.push(await post());
let done = 0;
const end = Date.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (Date.now() < end) {
      await post();
      done++;
    }
  }),
);
console.log(
  JSON.stringify({ base, query: which ?? 'bench', singleP50Ms: Math.round(p50(single) * 10) / 10, concurrent8ReqPerS: Math.round((done / seconds) * 10) / 10 }),
);

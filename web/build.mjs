// Builds the Delivery Overview page into dist/web: hashed JS modules (a small boot entry that
// sends the first request, the app, and their shared chunk) and one hashed CSS file under
// assets/, an index.html that links them, and .gz/.br siblings of every file so
// the gateway serves them precompressed. Run by `npm run build` after tsc.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'web');
const ASSETS = path.join(OUT, 'assets');

fs.rmSync(OUT, { recursive: true, force: true });
const result = await build({
  // boot runs first and is small, so the request that draws the page leaves while React loads.
  entryPoints: [path.join(ROOT, 'web', 'src', 'boot.ts'), path.join(ROOT, 'web', 'src', 'main.tsx')],
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  outdir: ASSETS,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const entry = (name) => path.basename(Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(`web/src/${name}`))?.[0] ?? '');
const boot = entry('boot.ts');
const main = entry('main.tsx');
const style = outputs.find((f) => f.endsWith('.css'));
const modules = outputs.filter((f) => f.endsWith('.js'));
if (!boot || !main || !style) throw new Error(`expected boot, main and one .css output, got ${outputs.join(', ')}`);

// Absolute asset paths: index.html also answers deep links such as /destinations/<id>.
// The demo-token meta is filled in by the gateway (src/http/web.ts) when it serves the page.
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="do-demo-token" content="">
<title>Delivery Overview</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
${modules.map((m) => `<link rel="modulepreload" href="/assets/${m}">`).join('\n')}
<script type="module" src="/assets/${boot}"></script>
<script type="module" src="/assets/${main}"></script>
</head>
<body>
<div id="root"></div>
</body>
</html>
`;
fs.writeFileSync(path.join(OUT, 'index.html'), html);

for (const name of outputs) {
  const file = path.join(ASSETS, name);
  const body = fs.readFileSync(file);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
const gzipBytes = modules.reduce((sum, m) => sum + fs.statSync(path.join(ASSETS, `${m}.gz`)).size, 0);
console.log(`web: dist/web/assets/ ${modules.join(', ')} (${gzipBytes} bytes of JS gzip), ${style}`);

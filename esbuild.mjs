// Bundles the extension client, the language server and the CLI into dist/.
// tsc -b does the type-checking; esbuild only produces the shipped files.
//   node esbuild.mjs               development build (source maps, readable; used by `npm test`)
//   node esbuild.mjs --production  minified, no source maps (used by `npm run package`)
//   --outdir <dir>                 write the bundles there instead of dist/ (tests build a production copy)
import * as esbuild from 'esbuild';
import { rmSync, statSync } from 'node:fs';

const production = process.argv.includes('--production');
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt > 0 ? process.argv[outdirAt + 1] : 'dist';
if (!outdir) throw new Error('--outdir needs a folder');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // keep class/function names: stack traces in the server's error log stay readable when minified
  keepNames: production,
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  logLevel: 'warning',
  legalComments: 'none',
};

const bundles = [
  // the client maps build steps to lines with the analysis but never parses RUN commands: no shell parser
  // mainFields: jsonc-parser's `main` is a UMD build whose relative requires esbuild cannot follow; its ESM build bundles
  // keepNames off: its defineProperty call per function and class ran at every activation (measured: about
  // 10 ms of bench/activate.ts); the client's errors are reported by message
  { entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/client.js`, external: ['vscode', 'mvdan-sh'], mainFields: ['module', 'main'], keepNames: false },
  // the extension's entry (package.json main): loads client.js through V8's code cache (client/src/codeCache.ts)
  { entryPoints: ['client/src/main.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'], keepNames: false },
  // one file for the server and its analysis worker thread (server/src/main.ts picks the role)
  { entryPoints: ['server/src/main.ts'], outfile: `${outdir}/server.js`, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  // the host-cache walk's worker thread, found next to extension.js and cli.js (common/docker/hostCaches.ts)
  { entryPoints: ['common/docker/hostCacheWorker.ts'], outfile: `${outdir}/hostCacheWorker.js` },
];

await Promise.all(bundles.map(b => esbuild.build({ ...common, ...b })));

if (production) {
  // a development build may have left maps next to the minified files; they would describe other code
  for (const b of bundles) rmSync(`${b.outfile}.map`, { force: true });
  // stderr: `npm pack` runs this as prepack, and its stdout must stay the tarball's name alone
  // (pre-commit's node hooks read it to install the package)
  for (const b of bundles) console.error(`${b.outfile}  ${(statSync(b.outfile).size / 1024).toFixed(0)} KiB`);
}

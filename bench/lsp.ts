/**
 * The language server measured through its real protocol: the shipped bundle (dist/server.js, built for
 * production by the bench) started over stdio, driven by a minimal LSP client. Latency is didChange → publishDiagnostics for that
 * version (incremental edits typed into RUN lines of a 1,000-line file) and codeAction round trips;
 * memory is the server process's resident set (VmRSS from /proc) after opening 50 Dockerfiles and
 * making 1,000 edits, read at the 500th and 1,000th edit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { DockerfileParser } from 'dockerfile-ast';
import { setAstMemo } from '../common/analysis/astMemo';
import { SERVER_ENV, SERVER_NODE_ARGS } from '../common/serverEnvironment';
import { generateDockerfile } from './generate';
import { median, percentile, type Metric } from './metrics';
import { TestClient } from '../test/support/lspClient';

/**
 * The tests' LSP client, declaring what VS Code declares and keeping only the last publication per document.
 * `versioned: false` is for a server that publishes without a document version (the peer): the next
 * publication for the document is then taken as the answer, which holds because every edit is awaited
 * before the next one is sent and the publications are counted against the changes (see `published`).
 */
class Client extends TestClient {
  /**
   * `ours`: started as the VS Code client starts it (SERVER_ENV and SERVER_NODE_ARGS); otherwise as the
   * Docker extension starts the peer (nothing added).
   */
  constructor(server: string, private readonly versioned = true, record = false, ours = true) {
    super(['--stdio'], ours ? SERVER_NODE_ARGS : [], ours ? SERVER_ENV : {}, server, record);
  }

  override async initialize(): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      // what VS Code declares for these features (code actions resolved lazily, fixes carried in data)
      capabilities: {
        workspace: { configuration: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } },
        textDocument: {
          publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { dataSupport: true, isPreferredSupport: true, resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } } },
        },
      },
    });
    await this.conn.sendNotification('initialized', {});
  }

  /** The diagnostics of `version`, or an error after 60 s with the server's stderr. */
  override nextDiagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within 60 s; server stderr: ${this.stderr.slice(-2000)}`)), 60_000);
      super.nextDiagnostics(uri, this.versioned ? version : undefined).then(p => { clearTimeout(t); resolve(p); }, e => { clearTimeout(t); reject(e); });
    });
  }

  /** Insert `insert` at (line, character) as an incremental change; resolves with the diagnostics of that version. */
  async type(uri: string, version: number, line: number, character: number, insert: string): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, version);
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: insert }],
    });
    return next;
  }

  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!m) throw new Error('VmRSS not found in /proc/<pid>/status');
    return Number(m[1]) / 1024;
  }
}

/** The smallest generated Dockerfile with at least `lines` lines, cut at an instruction boundary near it. */
export function dockerfileOfLines(lines: number, seed = 1): string {
  let n = 10;
  while (generateDockerfile(n, seed).split('\n').length < lines) n += n < 100 ? 1 : 10;
  return generateDockerfile(n, seed);
}

/** Lines that start a shell-form RUN: where the edits are typed. */
function runLines(text: string): number[] {
  return text.split('\n').flatMap((l, i) => (/^RUN (?!\[)/.test(l) ? [i] : []));
}

export interface LspOptions { quick: boolean; log: (s: string) => void; tmpDir: string; server: string }

export async function lspMetrics(o: LspOptions): Promise<{ metrics: Metric[]; detail: Record<string, unknown> }> {
  const metrics: Metric[] = [];
  // documents live in a real folder (the server lists the build context next to them)
  const dir = path.join(o.tmpDir, 'lsp');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');

  // latency: 200 edits of a 1,000-line file, each awaited
  const text = dockerfileOfLines(1000);
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  const client = new Client(o.server);
  const edits = o.quick ? 60 : 200;
  const t0open = Date.now();
  const latencies: number[] = [];
  const actionLatencies: number[] = [];
  const resolveLatencies: number[] = [];
  let diagnosticsCount: number;
  try {
    await client.initialize();
    const opened = await client.open(uri, text);
    diagnosticsCount = opened.diagnostics.length;
    o.log(`    opened ${text.split("\n").length}-line file in ${Date.now() - t0open} ms`);
    const lines = runLines(text);
    let version = 1;
    const edit = async (i: number) => {
      const line = lines[(i * 7) % lines.length];
      const t0 = process.hrtime.bigint();
      await client.type(uri, ++version, line, 4, `echo ${i % 10} && `);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    for (let i = 0; i < 20; i++) await edit(i); // warm-up (JIT); not counted
    for (let i = 0; i < edits; i++) latencies.push(await edit(i + 20));
    // code actions at diagnostics of the current version (quick fixes, with the fix carried in data)
    const diags = client.latest.get(uri)?.diagnostics ?? [];
    if (diags.length === 0) throw new Error('the 1,000-line file produced no diagnostics: nothing to request code actions for');
    const actionsRequests = o.quick ? 10 : 40;
    let actionsSeen = 0;
    let lazy: { title: string; data?: unknown; kind?: string } | undefined;
    for (let i = 0; i < actionsRequests + 5; i++) {
      const d = diags[i % diags.length];
      const t0 = process.hrtime.bigint();
      const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], triggerKind: 1 } }) as Array<{ title: string; data?: unknown; edit?: unknown; kind?: string }> | null;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      actionsSeen += actions?.length ?? 0;
      lazy ??= actions?.find(a => a.edit === undefined && a.data !== undefined);
      if (i >= 5) actionLatencies.push(ms);
    }
    if (actionsSeen === 0) throw new Error('no code actions were returned for any diagnostic');
    // the fix-all offered next to the quick fixes, resolved as when the user picks it
    if (lazy) {
      for (let i = 0; i < (o.quick ? 1 : 2); i++) {
        const t0 = process.hrtime.bigint();
        await client.conn.sendRequest('codeAction/resolve', lazy);
        resolveLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
  } finally {
    await client.stop();
  }
  const p50 = median(latencies);
  const p95 = percentile(latencies, 95);
  // the floor: dockerfile-ast's parse of the same text, which every re-lint includes (this process, warm)
  const parseMs: number[] = [];
  setAstMemo(false); // dockerfile-ast as published (see bench/editor.ts)
  for (let i = 0; i < 40; i++) {
    const t0 = process.hrtime.bigint();
    DockerfileParser.parse(text + `# ${i}\n`);
    if (i >= 10) parseMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  setAstMemo(true);
  const parseFloor = median(parseMs);
  metrics.push(
    { name: 'lsp-p95-ms-1000', value: p95, unit: 'ms', peer: 'dockerfile-ast parse of that file', peerValue: parseFloor, ratio: p95 / parseFloor, target: '≤ 15 ms', met: p95 <= 15, note: `didChange → publishDiagnostics over ${edits} incremental edits of a ${text.split('\n').length}-line file (${diagnosticsCount} diagnostics), the production dist/server.js over stdio` },
    { name: 'lsp-p50-ms-1000', value: p50, unit: 'ms', peer: 'dockerfile-ast parse of that file', peerValue: parseFloor, ratio: p50 / parseFloor, target: 'info', met: true },
    { name: 'lsp-code-action-p50-ms-1000', value: median(actionLatencies), unit: 'ms', peer: null, peerValue: null, ratio: null, target: 'info', met: true },
    { name: 'lsp-code-action-p95-ms-1000', value: percentile(actionLatencies, 95), unit: 'ms', peer: null, peerValue: null, ratio: null, target: 'info', met: true },
  );
  if (resolveLatencies.length) {
    metrics.push({ name: 'lsp-fix-all-resolve-ms-1000', value: median(resolveLatencies), unit: 'ms', peer: null, peerValue: null, ratio: null, target: 'info', met: true, note: 'codeAction/resolve of the fix-all offered next to a quick fix (every fix applied and verified)' });
  }

  // memory: 50 documents open, 1,000 edits spread over them, RSS at the 500th and 1,000th edit
  const total = o.quick ? 200 : 1000;
  const rss = await memoryWorkload(new Client(o.server), dir, total);
  const growth = rss.at1000 - rss.at500;
  metrics.push(
    { name: 'server-rss-mb', value: rss.at1000, unit: 'MB', peer: null, peerValue: null, ratio: null, target: '≤ 80 MB', met: rss.at1000 <= 80, note: `VmRSS of dist/server.js after opening 50 Dockerfiles and ${total} edits, median of 11 samples over the last 10 % of the edits (${rss.open.toFixed(1)} MB after opening)` },
    { name: 'server-rss-growth-mb', value: growth, unit: 'MB', peer: `RSS at edit ${total / 2}`, peerValue: rss.at500, ratio: rss.at1000 / rss.at500, target: '≤ 5 MB (noise)', met: growth <= 5 },
  );
  return { metrics, detail: { lspLatenciesMs: { p50, p95, max: Math.max(...latencies), edits }, codeActionMs: { p50: median(actionLatencies), p95: percentile(actionLatencies, 95) }, fixAllResolveMs: resolveLatencies, rss } };
}

/**
 * Open 50 generated Dockerfiles, make `total` edits spread over them; VmRSS after opening, at the middle
 * edit and at the end. The end is the median of 11 samples over the last 10 % of the edits (one sample
 * moves by 5–10 MB with where the collector happens to be).
 */
async function memoryWorkload(client: Client, dir: string, total: number): Promise<{ open: number; at500: number; at1000: number; samples: number[] }> {
  const docs: Array<{ uri: string; lines: number[]; version: number }> = [];
  const rss = { open: 0, at500: 0, at1000: 0, samples: [] as number[] };
  const every = total / 100;
  try {
    await client.initialize();
    for (let d = 0; d < 50; d++) {
      const t = generateDockerfile(60 + (d % 5) * 20, 100 + d);
      const f = path.join(dir, `svc${d}.Dockerfile`);
      fs.writeFileSync(f, t);
      const u = pathToFileURL(f).toString();
      await client.open(u, t);
      docs.push({ uri: u, lines: runLines(t), version: 1 });
    }
    rss.open = client.rssMb();
    for (let i = 1; i <= total; i++) {
      const doc = docs[i % docs.length];
      await client.type(doc.uri, ++doc.version, doc.lines[(i * 3) % doc.lines.length], 4, `echo ${i} && `);
      if (i === total / 2) rss.at500 = client.rssMb();
      if (i >= total - 10 * every && i % every === 0) rss.samples.push(client.rssMb());
    }
    rss.at1000 = median(rss.samples);
  } finally {
    await client.stop();
  }
  return rss;
}

/** The peer: the language server behind the Docker extensions (docker-langserver --stdio), from its npm package. */
export function peerServer(): { bin: string; label: string } {
  const manifest = require.resolve('dockerfile-language-server-nodejs/package.json');
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string; bin: Record<string, string> };
  return { bin: path.resolve(path.dirname(manifest), pkg.bin['docker-langserver']), label: `docker-langserver ${pkg.version}` };
}

/**
 * Where the one-character edits go: inside the quoted argument of an `echo` in a RUN chain (a value no
 * rule of either server looks at), so both servers keep publishing the same findings for every edit and
 * the time measured is a re-lint with the findings on screen, not one with an emptied list. Each entry
 * is (line, character just after `"$f-`); a file without such a line falls back to its comment lines.
 */
function valueEditPoints(text: string): Array<{ line: number; character: number }> {
  const lines = text.split('\n');
  const inRun = lines.flatMap((l, i) => { const c = l.indexOf('echo "$f-'); return c >= 0 ? [{ line: i, character: c + 'echo "$f-'.length }] : []; });
  if (inRun.length) return inRun;
  return lines.flatMap((l, i) => (/^#/.test(l) ? [{ line: i, character: l.length }] : []));
}

interface Side { client: Client; uri: string; version: number; latencies: number[]; counts: Set<number>; opened: number }

/**
 * Open `text` in every side, then send the same one-character edits at `points` to each in turn, each
 * awaited until that side publishes; latencies after the warm-up edits are kept per side.
 */
async function typeAlternately(sides: readonly Side[], text: string, points: ReadonlyArray<{ line: number; character: number }>, warmup: number, edits: number): Promise<void> {
  for (const s of sides) {
    await s.client.initialize();
    s.opened = (await s.client.open(s.uri, text)).diagnostics.length;
  }
  for (let i = 0; i < warmup + edits; i++) {
    const at = points[(i * 7) % points.length];
    for (const s of sides) {
      const t0 = process.hrtime.bigint();
      const p = await s.client.type(s.uri, ++s.version, at.line, at.character, String(i % 10));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      s.counts.add(p.diagnostics.length);
      if (i >= warmup) s.latencies.push(ms);
    }
  }
}

/**
 * Ours against the peer on the same generated Dockerfile: both servers started side by side, the same
 * one-character edits sent to each in turn (ours, peer, ours, …) so that load on the machine falls on
 * both alike, each edit awaited until that server published (one edit in flight at a time, so neither
 * coalescing nor a queue helps either side). Then: every change got exactly one publication from each.
 */
export async function peerComparison(o: LspOptions, sizes: readonly number[], edits: number): Promise<{ metrics: Metric[]; detail: Record<string, unknown> }> {
  const peer = peerServer();
  const dir = path.join(o.tmpDir, 'peer');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');
  const metrics: Metric[] = [];
  const detail: Record<string, unknown> = { peer: peer.label };
  const warmup = 20;
  for (const size of sizes) {
    const text = dockerfileOfLines(size);
    const lineCount = text.split('\n').length;
    const points = valueEditPoints(text);
    const sides: Side[] = [];
    for (const [name, server, versioned] of [['ours', o.server, true], ['peer', peer.bin, false]] as const) {
      const file = path.join(dir, `${name}-${size}.Dockerfile`);
      fs.writeFileSync(file, text);
      // the peer reads its own settings section; null = its defaults, as with an unconfigured VS Code
      const client = new Client(server, versioned, true, name === 'ours');
      if (name === 'peer') client.settings = null;
      sides.push({ client, uri: pathToFileURL(file).toString(), version: 1, latencies: [], counts: new Set(), opened: 0 });
    }
    try {
      await typeAlternately(sides, text, points, warmup, edits);
      // a late or duplicate publication would show up here (the peer's carry no version to tell them apart)
      await new Promise(r => setTimeout(r, 500));
      for (const [k, s] of sides.entries()) {
        const got = s.client.published.filter(p => p.uri === s.uri).length;
        if (got !== 1 + warmup + edits) throw new Error(`${k === 0 ? 'ours' : peer.label}: ${got} publications for ${1 + warmup + edits} changes of the ${lineCount}-line file`);
      }
    } finally {
      for (const s of sides) await s.client.stop();
    }
    const [ours, theirs] = sides;
    const p95 = percentile(ours.latencies, 95);
    const peerP95 = percentile(theirs.latencies, 95);
    const findings = (s: Side) => [...s.counts].sort((a, b) => a - b).join('/');
    metrics.push({
      name: `lsp-p95-vs-rcjsuen-${size}`, value: p95, unit: 'ms', peer: peer.label, peerValue: peerP95, ratio: p95 / peerP95, target: 'ratio ≤ 1.0', met: p95 <= peerP95,
      note: `${lineCount} lines; didChange → publishDiagnostics, p95 of ${edits} one-character edits in an echo argument inside RUN chains (after ${warmup} warm-up edits), sent alternately to both servers; the peer validates on every didChange with no debounce (its publications carry no version), ours lints an edit once an event-loop turn passes with no newer edit (a burst is analysed once, 20 ms of waiting at most; edits during an analysis fold into one follow-up run), counted here as the user waits for it; findings on screen per edit: ours ${findings(ours)} (${ours.opened} on open), peer ${findings(theirs)} (${theirs.opened} on open); p50 ours ${median(ours.latencies).toFixed(2)} ms, peer ${median(theirs.latencies).toFixed(2)} ms`,
    });
    detail[`lines-${size}`] = {
      lines: lineCount,
      ours: { p50: median(ours.latencies), p95, max: Math.max(...ours.latencies), findings: [...ours.counts] },
      peer: { p50: median(theirs.latencies), p95: peerP95, max: Math.max(...theirs.latencies), findings: [...theirs.counts] },
    };
  }
  // memory after the same workload as server-rss-mb, both servers run one after the other
  const total = edits >= 200 ? 1000 : 200;
  const oursRss = await memoryWorkload(new Client(o.server), dir, total);
  const peerClient = new Client(peer.bin, false, false, false);
  peerClient.settings = null;
  const peerRss = await memoryWorkload(peerClient, dir, total);
  metrics.push({
    name: 'server-rss-vs-rcjsuen', value: oursRss.at1000, unit: 'MB', peer: peer.label, peerValue: peerRss.at1000, ratio: oursRss.at1000 / peerRss.at1000, target: 'ratio ≤ 1.0', met: oursRss.at1000 <= peerRss.at1000,
    note: `VmRSS after opening 50 Dockerfiles and ${total} edits (median of 11 samples over the last 10 % of the edits, both servers), each server started with the environment its VS Code extension gives it (ours: ${Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`).join(' ')} and node ${SERVER_NODE_ARGS.join(' ')}; the peer: none) (after opening: ours ${oursRss.open.toFixed(1)} MB, peer ${peerRss.open.toFixed(1)} MB)`,
  });
  detail.rss = { ours: oursRss, peer: peerRss };
  return { metrics, detail };
}

/**
 * A monorepo around the Dockerfile: `packages` workspace packages, each a package.json of 200 dependencies
 * and 20 source files (a build context of a few thousand files and 1.5 MB of manifests for 150).
 */
function writeMonorepo(dir: string, packages: number): void {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, workspaces: ['packages/*'] }, null, 2));
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
  for (let p = 0; p < packages; p++) {
    const pkg = path.join(dir, 'packages', `p${p}`);
    fs.mkdirSync(path.join(pkg, 'src'), { recursive: true });
    const dependencies = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`dep-${p}-${i}`, `^1.${i}.0`]));
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: `p${p}`, version: '1.0.0', dependencies, scripts: { build: 'tsc -b' } }, null, 2));
    for (let f = 0; f < 20; f++) fs.writeFileSync(path.join(pkg, 'src', `f${f}.ts`), `export const f${f} = ${f};\n`);
  }
}

/**
 * The same 1,000-line Dockerfile, typed into by the same edits, once in a bare folder and once at the root
 * of a 150-package monorepo (its context listing and manifests are what the rules read): our server in
 * both, edits alternating. The ratio is what a large repository costs per keystroke.
 */
export async function monorepoComparison(o: LspOptions, edits: number): Promise<{ metrics: Metric[]; detail: Record<string, unknown> }> {
  const text = dockerfileOfLines(1000);
  const points = valueEditPoints(text);
  const sides: Side[] = [];
  for (const name of ['bare', 'monorepo'] as const) {
    const dir = path.join(o.tmpDir, `lsp-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    if (name === 'monorepo') writeMonorepo(dir, 150);
    else fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0.3\n');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, text);
    sides.push({ client: new Client(o.server), uri: pathToFileURL(file).toString(), version: 1, latencies: [], counts: new Set(), opened: 0 });
  }
  const warmup = 20;
  try {
    await typeAlternately(sides, text, points, warmup, edits);
  } finally {
    for (const s of sides) await s.client.stop();
  }
  const [bare, mono] = sides;
  const value = median(mono.latencies);
  const peerValue = median(bare.latencies);
  return {
    metrics: [{
      name: 'lsp-p50-monorepo-vs-bare-1000', value, unit: 'ms', peer: 'the same file in a bare folder', peerValue, ratio: value / peerValue, target: 'ratio ≤ 1.25', met: value <= 1.25 * peerValue,
      note: `didChange → publishDiagnostics p50 over ${edits} one-character edits of a ${text.split('\n').length}-line Dockerfile at the root of a 150-package monorepo (about 3,000 context files, 150 package.json of 200 dependencies), alternating with the same file in a bare folder; p95 ${percentile(mono.latencies, 95).toFixed(1)} against ${percentile(bare.latencies, 95).toFixed(1)} ms; findings ${[...mono.counts].join('/')} against ${[...bare.counts].join('/')}`,
    }],
    detail: { bare: { p50: peerValue, p95: percentile(bare.latencies, 95) }, monorepo: { p50: value, p95: percentile(mono.latencies, 95) } },
  };
}


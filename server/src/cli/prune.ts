/** `dockerfile-cache-advisor prune`: remove build cache safely (never anything in use). */
import { parseArgs } from 'util';
import { buildCacheStats, typeLabel } from '../../../common/docker/cacheStats';
import { describeSelection, previewBuildPrune, pruneBuildCache, type BuildPruneSelection } from '../../../common/docker/prune';
import { UsageError, type CliIO } from './io';
import { engineFailure, engineFor, engineKind, knownMountsHere, podmanFor } from './stats';
import { collectPodmanStats } from '../../../common/docker/podmanStats';
import { previewPodmanPrune, prunePodman } from '../../../common/docker/podmanPrune';
import { formatBytes, parseAge } from '../../../common/format';

export const PRUNE_USAGE = `Usage: dockerfile-cache-advisor prune [--cache-mounts] [--older-than <age>] [--all] [--yes]

Removes unused BuildKit build cache. Say what to remove:
  --cache-mounts        only RUN --mount=type=cache records (layers stay cached)
  --older-than <age>    only records unused for this long: 30d, 12h, 2w (a bare number means days)
  --all                 all unused build cache (alone, or to confirm a prune with no other filter)
Options:
  --yes                 do not ask; required when stdin is not a terminal
  --dry-run             only list what would be removed
  --format text|json    output format (default: text); json: {"selection","planned":{"records","bytes"},"deleted","reclaimedBytes"}
  --host <url>          Docker endpoint (default: DOCKER_HOST, then the current docker context)
  --engine docker|podman
                        podman: --cache-mounts removes Buildah's cache-mount folders (by the age of their
                        newest file with --older-than); --all also removes dangling images
Exit status: 0 done (or nothing to do), 1 declined, 2 usage error, no --yes without a terminal, or Docker error.
`;

export async function runPrune(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'cache-mounts': { type: 'boolean', default: false },
      'older-than': { type: 'string' },
      all: { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      'dry-run': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      host: { type: 'string' },
      engine: { type: 'string', default: 'docker' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { io.out(PRUNE_USAGE); return 0; }
  if (positionals.length) throw new UsageError(`prune takes no arguments (got '${positionals[0]}')`);
  const format = values.format!;
  if (!['text', 'json'].includes(format)) throw new UsageError(`unknown --format '${format}' (expected text or json)`);
  let olderThanMs: number | undefined;
  if (values['older-than'] !== undefined) {
    olderThanMs = parseAge(values['older-than']);
    if (olderThanMs === undefined) throw new UsageError(`--older-than expects an age like 30d, 12h or 2w, got '${values['older-than']}'`);
  }
  if (!values['cache-mounts'] && olderThanMs === undefined && !values.all) {
    throw new UsageError('say what to prune: --cache-mounts, --older-than <age> and/or --all');
  }
  const sel: BuildPruneSelection = values['cache-mounts'] ? { kind: 'cacheMounts', olderThanMs } : { kind: 'all', olderThanMs };
  const what = describeSelection(sel);
  if (engineKind(values.engine) === 'podman') return prunePodmanCli(sel, what, values, io);
  const engine = engineFor(values.host);

  try {
    const stats = buildCacheStats({ df: await engine.systemDf() });
    const plan = previewBuildPrune(stats, sel);
    const planned = { records: plan.records.length, bytes: plan.bytes };
    const summary = `${plan.records.length} record${plan.records.length === 1 ? '' : 's'} of ${what}, freeing about ${formatBytes(plan.bytes)} (${plan.bytes} bytes)`;
    if (values['dry-run']) {
      if (format === 'json') io.out(JSON.stringify({ selection: what, planned, records: plan.records }, null, 2));
      else {
        io.out(`Would remove ${summary}.`);
        for (const r of plan.records) io.out(`  ${r.id}  ${typeLabel(r.type).padEnd(14)} ${formatBytes(r.bytes).padStart(10)}${r.shared ? ' (shared with an image)' : ''}  ${r.description.slice(0, 80)}`);
      }
      return 0;
    }
    if (!values.yes) {
      if (!io.interactive) {
        io.err(`dockerfile-cache-advisor: refusing to prune without --yes: stdin is not a terminal (would remove ${summary})`);
        return 2;
      }
      if (plan.records.length === 0) {
        io.out(`Nothing to remove: no unused ${what}.`);
        return 0;
      }
      if (!(await io.confirm(`Remove ${summary}?`))) {
        io.err('Nothing removed.');
        return 1;
      }
    }
    const result = await pruneBuildCache(engine, sel);
    if (format === 'json') io.out(JSON.stringify({ selection: what, planned, deleted: result.deleted, reclaimedBytes: result.reclaimedBytes }, null, 2));
    else io.out(`Removed ${result.deleted.length} build cache record${result.deleted.length === 1 ? '' : 's'} (${what}); reclaimed ${formatBytes(result.reclaimedBytes)} (${result.reclaimedBytes} bytes).`);
    return 0;
  } catch (e) {
    return engineFailure(e, io);
  }
}

/** `prune --engine podman`: the same selections, confirmations and output as for Docker. */
async function prunePodmanCli(sel: BuildPruneSelection, what: string,
  values: { yes?: boolean; 'dry-run'?: boolean; format?: string; host?: string }, io: CliIO): Promise<number> {
  const client = podmanFor(values.host);
  const format = values.format;
  const label = sel.kind === 'all' ? `${what} (Buildah cache mounts and dangling images)` : `${what} (Buildah cache-mount folders)`;
  try {
    const stats = await collectPodmanStats(client, { knownMounts: knownMountsHere(process.cwd()) });
    const plan = previewPodmanPrune(stats, sel);
    const count = plan.records.length + plan.danglingImages.length;
    const planned = { records: count, bytes: plan.bytes };
    const summary = `${plan.records.length} cache mount${plan.records.length === 1 ? '' : 's'}${sel.kind === 'all' ? ` and ${plan.danglingImages.length} dangling image${plan.danglingImages.length === 1 ? '' : 's'}` : ''} of ${label}, freeing about ${formatBytes(plan.bytes)} (${plan.bytes} bytes)`;
    if (values['dry-run']) {
      if (format === 'json') io.out(JSON.stringify({ selection: label, planned, records: plan.records, danglingImages: plan.danglingImages }, null, 2));
      else {
        io.out(`Would remove ${summary}.`);
        for (const r of plan.records) io.out(`  ${formatBytes(r.bytes).padStart(10)}  ${r.target}  ${r.id}`);
        for (const id of plan.danglingImages) io.out(`  dangling image ${id.slice(0, 12)}`);
      }
      return 0;
    }
    if (!values.yes) {
      if (!io.interactive) {
        io.err(`dockerfile-cache-advisor: refusing to prune without --yes: stdin is not a terminal (would remove ${summary})`);
        return 2;
      }
      if (count === 0) {
        io.out(`Nothing to remove: no unused ${label}.`);
        return 0;
      }
      if (!(await io.confirm(`Remove ${summary}?`))) {
        io.err('Nothing removed.');
        return 1;
      }
    }
    const result = await prunePodman(client, stats, sel);
    if (format === 'json') io.out(JSON.stringify({ selection: label, planned, deleted: result.deleted, reclaimedBytes: result.reclaimedBytes }, null, 2));
    else io.out(`Removed ${result.deleted.length} item${result.deleted.length === 1 ? '' : 's'} (${label}); reclaimed ${formatBytes(result.reclaimedBytes)} (${result.reclaimedBytes} bytes).`);
    return 0;
  } catch (e) {
    return engineFailure(e, io);
  }
}

/**
 * Removes the build-cache records one test's builds created, and nothing else: the engine is shared
 * with other test runs, so a `docker builder prune -af` here would empty their caches in the middle of
 * their own "second build is all cached" checks.
 *
 * A test marks its builds by putting a nonce in a RUN command; the records whose description holds
 * it, everything built on top of them, and the records below them created since the test's first
 * build (a COPY before the first marked RUN) are the test's own. They are pruned by id, children
 * before parents (the engine keeps a record while a child needs it), until none is left.
 */
import type { EngineClient } from '../../common/docker/engineApi';

interface Rec { ID: string; Parent?: string; Parents?: string[] | null; Description?: string; CreatedAt?: string }

async function records(client: EngineClient): Promise<Rec[]> {
  const df = (await client.systemDf()) as { BuildCache?: Rec[] | null };
  return df.BuildCache ?? [];
}

const parentsOf = (r: Rec) => [...(r.Parents ?? []), ...(r.Parent ? [r.Parent] : [])];

/** The ids of the records that belong to builds marked with `marker` (see above). */
export async function ownRecords(client: EngineClient, marker: string, since: Date): Promise<Set<string>> {
  const all = await records(client);
  const byId = new Map(all.map(r => [r.ID, r]));
  const children = new Map<string, string[]>();
  for (const r of all) for (const p of parentsOf(r)) children.set(p, [...(children.get(p) ?? []), r.ID]);
  const seeds = all.filter(r => r.Description?.includes(marker)).map(r => r.ID);
  const own = new Set<string>();
  for (const s of seeds) {
    const down = [s];
    while (down.length) {
      const id = down.pop()!;
      if (own.has(id)) continue;
      own.add(id);
      down.push(...(children.get(id) ?? []));
    }
    const up = parentsOf(byId.get(s)!);
    while (up.length) {
      const r = byId.get(up.pop()!);
      if (!r || own.has(r.ID) || !(Date.parse(r.CreatedAt ?? '') >= since.getTime())) continue;
      own.add(r.ID);
      up.push(...parentsOf(r));
    }
  }
  return own;
}

/** Prunes the records of `ownRecords`; resolves with the ids it could not remove (none, normally). */
export async function pruneOwnBuildCache(client: EngineClient, marker: string, since: Date): Promise<string[]> {
  let left = await ownRecords(client, marker, since);
  for (let round = 0; round < 20 && left.size; round++) {
    // the engine takes one id per filter
    for (const id of left) await client.pruneBuildCache({ id: [id] }, true);
    const present = new Set((await records(client)).map(r => r.ID));
    left = new Set([...left].filter(id => present.has(id)));
  }
  return [...left];
}

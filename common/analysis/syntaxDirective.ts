/**
 * What the `# syntax=` directive of a Dockerfile says about the frontend that will parse it: whether it
 * is a Dockerfile frontend at least as new as a feature needs. One reading for every rule that depends
 * on a frontend feature (heredocs since 1.4, `ADD --checksum` since 1.6).
 */

/** Images of the Dockerfile frontend that `# syntax=` names (Docker Hub and its mirrors). */
const FRONTEND = /(^|\/)docker\/dockerfile(-upstream)?$|(^|\/)dockerfile(-upstream)?$/;

/**
 * 'yes' when the frontend named by `value` is 1.`minor` or later (or `1`, `latest`, `labs`, `master`,
 * which follow the newest release), also for the `-labs` channel of the release before (labs ships
 * features one minor early); 'no' for an older one; 'unknown' for another frontend or a bare digest.
 */
export function frontendAtLeast(value: string, minor: number): 'yes' | 'no' | 'unknown' {
  const ref = value.trim().replace(/^docker\.io\//, '');
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const image = hasTag ? named.slice(0, colon) : named;
  if (!FRONTEND.test(image)) return 'unknown';
  if (!hasTag) return at >= 0 ? 'unknown' : 'yes'; // latest
  const tag = named.slice(colon + 1);
  if (/^(latest|labs|master|master-labs)$/.test(tag)) return 'yes';
  const m = /^1(?:\.(\d+))?(?:\.\d+)?(-labs)?$/.exec(tag);
  if (!m) return 'unknown';
  if (m[1] === undefined) return 'yes'; // `1`: the newest 1.x
  const have = Number(m[1]);
  return have >= minor || (have === minor - 1 && m[2] !== undefined) ? 'yes' : 'no';
}

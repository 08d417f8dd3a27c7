import type { Heredoc } from 'dockerfile-ast';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { lineNo } from './describe';
import { docsFor, type Rule } from './types';

const id = 'heredoc-needs-syntax';

/** Images of the Dockerfile frontend that `# syntax=` names (Docker Hub and its mirrors). */
const FRONTEND = /(^|\/)docker\/dockerfile(-upstream)?$|(^|\/)dockerfile(-upstream)?$/;

/**
 * What the `# syntax=` line says about heredocs: 'yes' for a frontend known to parse them (1.4+, `1`,
 * labs and master builds since 1.3), 'no' for an older one, 'unknown' for another frontend or a digest.
 */
export function syntaxAllowsHeredocs(value: string): 'yes' | 'no' | 'unknown' {
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
  const minor = Number(m[1]);
  return minor >= 4 || (minor === 3 && m[2] !== undefined) ? 'yes' : 'no';
}

const heredocsOf = (f: InstructionFact): Heredoc[] =>
  (f.node as unknown as { getHeredocs?: () => Heredoc[] }).getHeredocs?.() ?? [];

/**
 * BuildKit opens a heredoc with a word of its own, `<<NAME` or `<<-NAME` (quotes allowed around the
 * name), outside quotes: `echo "1 << 2"` holds none, though the parser library reports one.
 */
function opensHeredoc(model: DockerfileModel, f: InstructionFact): boolean {
  const text = model.text.slice(model.document.offsetAt(f.range.start), model.document.offsetAt(f.range.end));
  const firstLine = text.split(/\r?\n/)[0].replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, ' ');
  return /(^|\s)\d*<<-?["']?[A-Za-z_]/.test(firstLine);
}

function heredocInstructions(model: DockerfileModel): InstructionFact[] {
  return model.instructions.filter(f => ['RUN', 'COPY', 'ADD'].includes(f.keyword) && heredocsOf(f).length > 0 && opensHeredoc(model, f));
}

/**
 * A heredoc (`RUN <<EOF`) in a Dockerfile that does not ask for a frontend that parses it: builders
 * whose built-in frontend predates Dockerfile 1.4 (Docker Engine 20.10 and older) read the heredoc's
 * lines as instructions and fail.
 */
export const heredocNeedsSyntax: Rule = {
  meta: {
    id,
    defaultSeverity: 'information',
    description: 'A heredoc (RUN <<EOF) without a `# syntax=docker/dockerfile:1.4` (or later) line: builders with an older built-in frontend reject it.',
    docs: docsFor(id),
  },
  check({ model }) {
    const uses = heredocInstructions(model);
    if (uses.length === 0) return [];
    const syntax = model.ast.getDirectives().find(d => d.getName().toLowerCase() === 'syntax');
    const verdict = syntax ? syntaxAllowsHeredocs(syntax.getValue()) : 'no';
    if (verdict !== 'no') return [];
    const first = uses[0];
    const why = syntax
      ? `the \`# syntax=${syntax.getValue()}\` line names a Dockerfile frontend older than 1.4, which does not know heredocs`
      : 'without a `# syntax=` line the builder uses its built-in frontend, and before Dockerfile 1.4 (Docker Engine 20.10 and older) that frontend does not know heredocs';
    return [{
      range: first.range,
      message:
        `This ${first.keyword} uses a heredoc (<<${heredocsOf(first)[0].getName() ?? 'EOF'}), but ${why}: it reads the heredoc's lines as instructions and the build fails ` +
        '("unknown instruction"). Put `# syntax=docker/dockerfile:1` as the first line of the Dockerfile. ' +
        '(No automatic fix: that line makes the builder download the frontend image, which a builder without registry access cannot.)',
      related: uses.slice(1).map(f => ({ range: f.range, message: `also a heredoc (line ${lineNo(f)})` })),
    }];
  },
};

import type { Heredoc } from 'dockerfile-ast';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { frontendAtLeast } from '../../../common/analysis/syntaxDirective';
import { lineNo } from './describe';
import { docsFor, type Rule } from './types';

const id = 'heredoc-needs-syntax';

/**
 * What the `# syntax=` line says about heredocs: 'yes' for a frontend known to parse them (1.4+, `1`,
 * labs and master builds since 1.3), 'no' for an older one, 'unknown' for another frontend or a digest.
 */
export const syntaxAllowsHeredocs = (value: string) => frontendAtLeast(value, 4);

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
    const syntax = model.directives.find(d => d.getName().toLowerCase() === 'syntax');
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

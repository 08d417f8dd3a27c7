import * as path from 'path';
import type { TextEdit } from 'vscode-languageserver-types';
import { downloadsOf, pathsRead, type DownloadFact } from '../../../common/analysis/downloads';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import { covers, resolvePath } from '../../../common/analysis/mounts';
import { unwrapCommand } from '../../../common/analysis/shell';
import { copyProvides } from './copyProvides';
import { lineNo, snippet } from './describe';
import { instructionText, lineSpan, rangeOf } from './edits';
import { docsFor, type Fix, type Rule, type RuleFinding, type WorkspaceFacts } from './types';

const id = 'copy-before-download';

/** Instructions that only set image metadata: they stay where they are when a download moves up. */
const METADATA = new Set(['LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'STOPSIGNAL', 'VOLUME', 'MAINTAINER']);

const isContextCopy = (f: InstructionFact) => !!f.copy && f.copy.from === undefined && !f.copy.heredoc && downloadsOfCopy(f).length === 0;
const downloadsOfCopy = (f: InstructionFact) => (f.keyword === 'ADD' && f.copy ? f.copy.sources.filter(s => /^(https?|ftps?|git|ssh):\/\/|^git@/i.test(s.value)) : []);

function reads(model: DockerfileModel, fact: InstructionFact, copies: readonly InstructionFact[], ws: WorkspaceFacts): InstructionFact | undefined {
  if (!fact.run) return undefined;
  const paths = pathsRead(model, fact);
  return copies.find(c => paths.some(p => copyProvides(c.copy!, p, ws)));
}

/**
 * Why a download cannot run above the COPYs: it writes into a folder they create (`wget -O models/x`
 * with models/ from the context would find no such folder), or they provide its output and would then
 * overwrite what it downloaded.
 */
function strandedOutput(model: DockerfileModel, fact: InstructionFact, copies: readonly InstructionFact[], ws: WorkspaceFacts): string | undefined {
  // folders the RUN makes itself
  const made = new Set((fact.run?.script.commands ?? []).flatMap(c => {
    const w = unwrapCommand(c.words);
    return w[0]?.value === 'mkdir' ? w.slice(1).map(x => x.value).filter((v): v is string => !!v && !v.startsWith('-')).map(v => resolvePath(fact.workdir, v)) : [];
  }));
  for (const d of downloadsOf(model, fact)) {
    for (const o of d.outputs) {
      if (o.includes('$')) continue;
      const abs = resolvePath(fact.workdir, o.replace(/^~(?=\/|$)/, fact.user.home));
      if (covers(abs, fact.workdir)) continue;
      const parent = path.posix.dirname(abs);
      for (const c of copies) {
        if (copyProvides(c.copy!, abs, ws)) return `writes ${abs}, which the COPY on line ${lineNo(c)} also provides and would overwrite`;
        if (!covers(parent, fact.workdir) && ![...made].some(m => covers(m, parent)) && copyProvides(c.copy!, parent, ws)) {
          return `writes into ${parent}, which the COPY on line ${lineNo(c)} creates`;
        }
      }
    }
  }
  return undefined;
}

/** Names of the variables an instruction's text refers to. */
const referencedVars = (model: DockerfileModel, fact: InstructionFact) =>
  new Set([...model.text.slice(model.document.offsetAt(fact.range.start), model.document.offsetAt(fact.range.end)).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]));
const declaredVars = (fact: InstructionFact) =>
  ((fact.node as unknown as { getProperties?: () => Array<{ getName(): string }> }).getProperties?.() ?? []).map(p => p.getName());

interface Plan {
  readonly moved: InstructionFact[];
  readonly blocker?: { fact: InstructionFact; why: string };
}

/**
 * What moves above the COPY: every instruction between it and the last movable download that does
 * not need the copied files (installs of the tools the download uses, ENV/ARG it may read), in order.
 */
function plan(model: DockerfileModel, list: readonly InstructionFact[], ci: number, downloads: ReadonlySet<InstructionFact>, ws: WorkspaceFacts): Plan {
  const copy = list[ci];
  const lastDownload = Math.max(...[...downloads].map(d => list.indexOf(d)));
  const copies = [copy];
  const moved: InstructionFact[] = [];
  let blocker: Plan['blocker'];
  for (let j = ci + 1; j <= lastDownload; j++) {
    const f = list[j];
    if (downloads.has(f)) {
      const why = strandedOutput(model, f, copies, ws);
      if (why) { blocker = { fact: f, why }; break; }
      moved.push(f);
      continue;
    }
    if (f.run) {
      const from = reads(model, f, copies, ws);
      if (from) { blocker = { fact: f, why: `needs the files copied on line ${lineNo(from)} and may install what the download uses` }; break; }
      moved.push(f);
    } else if (f.keyword === 'ENV' || f.keyword === 'ARG') moved.push(f);
    else if (f.copy && f.copy.from !== undefined) moved.push(f);
    else if (f.copy) copies.push(f);
    else if (!METADATA.has(f.keyword)) { blocker = { fact: f, why: `\`${f.keyword}\` changes how the following steps run` }; break; }
  }
  // only what comes before the last download that can move goes up; the rest stays
  let last = moved.length - 1;
  while (last >= 0 && !downloads.has(moved[last])) last--;
  const block = moved.slice(0, last + 1);
  // a moved variable must not change what an instruction staying between them sees
  const movedVars = new Set(block.filter(f => f.keyword === 'ENV' || f.keyword === 'ARG').flatMap(declaredVars));
  if (movedVars.size) {
    const end = block.length ? list.indexOf(block[block.length - 1]) : ci;
    for (let j = ci; j <= end; j++) {
      const f = list[j];
      if (block.includes(f)) continue;
      if ([...referencedVars(model, f)].some(v => movedVars.has(v))) return { moved: [], blocker: { fact: f, why: 'refers to a variable set further down' } };
    }
  }
  return { moved: block, blocker };
}

function buildFix(model: DockerfileModel, copy: InstructionFact, moved: readonly InstructionFact[]): Fix {
  const at = lineSpan(model, copy).start;
  const edits: TextEdit[] = [{ range: rangeOf(model, at, at), newText: moved.map(f => instructionText(model, f)).join('') }];
  for (const f of moved) {
    const span = lineSpan(model, f);
    edits.push({ range: rangeOf(model, span.start, span.end), newText: '' });
  }
  const n = moved.length;
  return { title: `Move the download${n > 1 ? ' and the steps it needs' : ''} above \`${snippet(copy, 30)}\``, preferred: true, edits };
}

/** A COPY of code above a RUN that downloads something big it does not need: every code change re-downloads. */
export const copyBeforeDownload: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'A COPY of code above a model download or a curl/wget of remote files that does not need that code: every code change runs the download again.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    const findings: RuleFinding[] = [];
    for (const stage of model.stages) {
      const list = stage.instructions;
      const byCopy = new Map<InstructionFact, Array<{ fact: InstructionFact; download: DownloadFact }>>();
      list.forEach((fact, j) => {
        const ds = downloadsOf(model, fact);
        if (ds.length === 0) return;
        // the earliest code COPY above it: from there on every change re-runs the download
        const ci = list.findIndex((c, k) => k < j && c.copy?.broad === true && isContextCopy(c));
        if (ci < 0) return;
        if (reads(model, fact, [list[ci]], workspace)) return;
        const entry = byCopy.get(list[ci]) ?? [];
        entry.push({ fact, download: ds[0] });
        byCopy.set(list[ci], entry);
      });
      for (const [copy, entries] of byCopy) {
        const ci = list.indexOf(copy);
        const p = plan(model, list, ci, new Set(entries.map(e => e.fact)), workspace);
        const first = entries[0];
        const what = first.download.kind === 'model' ? 'model download' : first.download.kind === 'git' ? 'clone' : 'download';
        const src = copy.copy!.sources.some(s => s.kind === 'context') ? 'the whole build context' : 'source files';
        findings.push({
          range: copy.range,
          message:
            `\`${snippet(copy, 40)}\` copies ${src} before the ${what} \`${first.download.what}\` (line ${lineNo(first.fact)}), which does not need them: ` +
            `every code change invalidates the COPY and downloads everything again. Move the download above the COPY.` +
            (p.moved.length === 0 && p.blocker ? ` (No automatic fix: \`${snippet(p.blocker.fact, 30)}\` on line ${lineNo(p.blocker.fact)} ${p.blocker.why}.)` : ''),
          related: entries.map(e => ({ range: e.fact.range, message: `re-runs whenever the files copied on line ${lineNo(copy)} change` })),
          fixes: p.moved.length ? [buildFix(model, copy, p.moved)] : [],
        });
      }
    }
    return findings;
  },
};

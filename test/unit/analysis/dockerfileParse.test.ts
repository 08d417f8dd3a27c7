import * as assert from 'assert';
import fc from 'fast-check';
import { PADDED_LINES_KEPT, parseDockerfile, parseWhole, PATCHES_KEPT, type DockerfileParse } from '../../../common/analysis/dockerfileParse';
import { analyze } from '../../../common/analysis/analyze';
import type { DockerfileModel } from '../../../common/analysis/model';
import { DOCKERFILE } from '../../../server/src/lint/kinds/dockerfile';
import { lint } from '../../../server/src/lint/linter';
import { dockerfile, garbage } from '../../support/dockerfileArbitrary';
import { snapshotOf } from '../../support/astSnapshot';
import { fixtureTexts } from '../../support/fixtureFiles';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

/** Everything a parse answers, in plain data. */
function snapshot(p: DockerfileParse): unknown {
  return {
    escape: p.escapeChar,
    directives: p.directives.map(d => [d.getName(), d.getValue(), d.getRange(), d.getNameRange(), d.getValueRange()]),
    instructions: snapshotOf(p.instructions),
    triggers: snapshotOf(p.triggers.filter(t => t !== undefined)),
    triggerAt: p.triggers.map(t => t !== undefined),
  };
}

/** The facts of a model in plain data (the dockerfile-ast objects they point to are compared by snapshotOf). */
function factsOf(m: DockerfileModel): unknown {
  return m.instructions.map(i => ({
    index: i.index, keyword: i.keyword, range: i.range, stage: i.stage?.index, workdir: i.workdir, user: i.user, onbuild: i.onbuild,
    env: [...i.env.entries()],
    run: i.run && { form: i.run.form, commandStart: i.run.commandStart, script: i.run.script, invocations: i.run.invocations, mounts: i.run.mounts, flags: i.run.flags.length },
    copy: i.copy && { ...i.copy, flags: i.copy.flags.length },
  }));
}

/** The parse of `next` made from `previous` answers exactly what a whole-file parse of `next` answers. */
function agrees(previous: DockerfileParse, next: string): DockerfileParse {
  const got = parseDockerfile(next, previous);
  assert.strictEqual(got.text, next);
  assert.deepStrictEqual(snapshot(got), snapshot(parseWhole(next)));
  return got;
}

/** `text` with `insert` put at `at` in place of up to `remove` characters of that line. */
function edited(text: string, at: number, remove: number, insert: string): string {
  const nl = text.slice(at).search(/[\r\n]/);
  const lineEnd = nl < 0 ? text.length : at + nl;
  return text.slice(0, at) + insert + text.slice(Math.min(lineEnd, at + remove));
}

/** What a person types: mostly one character, sometimes a word, the escape character, `#`, `<<`, or a line break. */
const typed = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', '1', ' ', '-', '=', '$', '"', "'", '/', '.', '[', ']', ',', '{', '}') },
  { weight: 2, arbitrary: fc.constantFrom('\\', '`', '#', '<<', '<<EOF', ' \\', '--mount=type=cache,target=/root/.cache ', 'RUN ', 'FROM x AS y', 'ONBUILD ', '&& pip install flask ') },
  { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\\\n') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

const anEdit = (text: string) => fc.record({ at: fc.nat({ max: text.length }), remove: fc.constantFrom(0, 0, 1, 1, 2, 5), insert: fc.oneof(typed, fc.constant('')) });

/** A text and a chain of edits typed into it, each parsed from the one before. */
function chain(text: string, edits: Array<{ at: number; remove: number; insert: string }>): number {
  let p = parseWhole(text);
  let patched = 0;
  for (const e of edits) {
    const next = edited(p.text, Math.min(e.at, p.text.length), e.remove, e.insert);
    const got = agrees(p, next);
    if (got.patches > p.patches) patched++;
    p = got;
  }
  return patched;
}

describe('dockerfileParse: the parse of an edited version reuses what the edit did not touch', function () {
  this.timeout(600_000);

  const base = 'FROM python:3.12 AS build\nARG V=1\nRUN apt-get update && \\\n    apt-get install -y curl\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n';

  it('re-parses only the edited instruction when a line is typed into (the others are the same objects)', () => {
    const before = parseWhole(base);
    const next = base.replace('install -y curl', 'install -y curl git');
    const got = agrees(before, next);
    assert.strictEqual(got.patches, 1);
    const changed = got.instructions.map((n, k) => n !== before.instructions[k]);
    assert.deepStrictEqual(changed, [false, false, true, false, false]);
  });

  it('keeps patching over a run of edits, and parses whole again after PATCHES_KEPT of them', () => {
    let p = parseWhole(base);
    for (let k = 0; k < PATCHES_KEPT; k++) p = agrees(p, p.text.replace('-r ', `-r ${k % 10}`));
    assert.strictEqual(p.patches, PATCHES_KEPT);
    p = agrees(p, p.text.replace('ARG V=1', 'ARG V=2'));
    assert.strictEqual(p.patches, 0);
  });

  it('parses whole rather than pad patches with more than PADDED_LINES_KEPT blank lines in all (a very long file)', () => {
    const long = 'FROM x\n' + 'RUN echo a\n'.repeat(40_000) + 'RUN echo end\n';
    let p = parseWhole(long);
    const edits: number[] = [];
    for (let k = 0; k < 6; k++) {
      p = parseDockerfile(p.text.replace('echo end', `echo end${k}`), p);
      edits.push(p.patches);
    }
    // each patch is padded with the 40,001 lines above the last RUN: a third would pass the budget
    assert.ok(40_001 * 2 <= PADDED_LINES_KEPT && PADDED_LINES_KEPT < 40_001 * 3);
    assert.deepStrictEqual(edits, [1, 2, 0, 1, 2, 0]);
  });

  it('stays linear on hostile instructions: long runs of blanks, blank continuation lines, a long directive', () => {
    // a RegExp anchored at the end of the line took 19 s on 100,000 spaces
    const spaces = 'FROM x\nRUN echo a' + ' '.repeat(300_000) + 'x\nRUN b\n';
    assert.strictEqual(agrees(parseWhole(spaces), spaces.replace('echo a', 'echo ab')).patches, 1);
    const trailing = 'FROM x\nRUN echo a \\' + ' '.repeat(300_000) + '\nRUN b\n';
    agrees(parseWhole(trailing), trailing.replace('echo a', 'echo ab'));
    const blankLines = 'FROM x\nRUN echo a \\\n' + '\n'.repeat(100_000) + '  b\nRUN c\n';
    agrees(parseWhole(blankLines), blankLines.replace('echo a', 'echo ab'));
    const directive = '# syntax=' + 'x'.repeat(100_000) + '\nFROM x\nRUN a\n';
    assert.strictEqual(agrees(parseWhole(directive), directive.replace('RUN a', 'RUN ab')).patches, 0);
  });

  it('parses whole when an edit adds or removes a line break, or continues an instruction into the next line', () => {
    const cases: Array<[string, number]> = [
      [base.replace('ARG V=1', 'ARG V=1 \\'), 0], // the next line becomes ARG's
      [base.replace('&& \\', '&&'), 0], // the RUN splits in two
      [base.replace('ARG V=1', 'ARG V=1\nENV A=2'), 0],
      [base.replace('ARG V=1\n', ''), 0],
      [base.replace('COPY', '# COPY'), 0], // an instruction becomes a comment
      [base.replace('COPY requirements.txt .', 'COPY <<EOF /a'), 0], // a heredoc swallows the next lines
      [base.replace('ARG V=1', 'ONBUILD RUN x'), 0],
      [base.replace('    apt-get install', '\tapt-get install'), 1], // a continuation line's indent: still the RUN's lines
    ];
    for (const [next, patches] of cases) assert.strictEqual(agrees(parseWhole(base), next).patches, patches, JSON.stringify(next));
  });

  it('agrees under an escape directive, CRLF, a lone CR, a byte-order mark and ONBUILD', () => {
    const escaped = '# escape=`\n\nFROM x\nRUN echo a `\n  b\nRUN echo c\n';
    assert.strictEqual(agrees(parseWhole(escaped), escaped.replace('echo c', 'echo cd')).patches, 1);
    agrees(parseWhole(escaped), escaped.replace('echo a `', 'echo a'));
    agrees(parseWhole(escaped), escaped.replace('echo c', 'echo c `'));
    const crlf = base.replace(/\n/g, '\r\n');
    assert.strictEqual(agrees(parseWhole(crlf), crlf.replace('ARG V=1', 'ARG V=12')).patches, 1);
    agrees(parseWhole(crlf), crlf.replace('ARG V=1\r', 'ARG V=1 x\r'));
    // typed between a `\r` and its `\n`: the `\r` becomes a line break of its own
    assert.strictEqual(agrees(parseWhole(crlf), crlf.replace('ARG V=1\r\n', 'ARG V=1\rx\n')).patches, 0);
    const lone = 'FROM x\rRUN a\nRUN b\n';
    assert.strictEqual(agrees(parseWhole(lone), lone.replace('RUN b', 'RUN bc')).patches, 0);
    const bom = '\ufeffFROM x\nRUN a\n';
    agrees(parseWhole(bom), bom.replace('FROM x', 'FROM xy'));
    const onbuild = 'FROM x\nONBUILD RUN pip install a\nRUN b\n';
    assert.strictEqual(agrees(parseWhole(onbuild), onbuild.replace('install a', 'install ab')).patches, 0);
    assert.strictEqual(agrees(parseWhole(onbuild), onbuild.replace('RUN b', 'RUN bc')).patches, 1);
  });

  it('answers what a whole-file parse answers after fuzzed edits of generated, garbage and fixture Dockerfiles', () => {
    let patched = 0;
    const texts = fixtureTexts();
    assert.ok(texts.length > 5, 'expected fixtures');
    const source = fc.oneof(dockerfile, dockerfile, garbage, fc.constantFrom(...texts));
    fc.assert(fc.property(source.chain(t => fc.tuple(fc.constant(t), fc.array(anEdit(t), { minLength: 1, maxLength: 8 }))), ([t, edits]) => {
      patched += chain(t, edits);
    }), { numRuns: RUNS * 3, seed: SEED });
    // the fast path is what is being checked: most typing lands inside an instruction
    assert.ok(patched > RUNS, `only ${patched} edits were patched`);
  });

  it('analyses an edited version to the same facts as a fresh analysis (RUN facts kept and moved with their RUN)', () => {
    // inline assignments, `sh -c` scripts, exec form and no-cache words below the edit all move
    const t = 'FROM x\nRUN echo a\nRUN PIP_NO_CACHE_DIR=1 pip install --no-cache-dir flask && sh -c "npm ci"\nRUN ["sh", "-c", "apt-get install -y curl"]\n';
    for (const next of [t.replace('echo a', 'echo ab'), t.replace('echo a', 'echo'), t.replace('flask', 'flask2')]) {
      const first = analyze(t);
      const reused = analyze(next, {}, first);
      assert.deepStrictEqual(factsOf(reused), factsOf(analyze(next)));
    }
    const texts = fixtureTexts();
    let moved = 0;
    fc.assert(fc.property(fc.oneof(dockerfile, fc.constantFrom(...texts)).chain(t => fc.tuple(fc.constant(t), fc.array(anEdit(t), { minLength: 1, maxLength: 4 }))), ([t, edits]) => {
      let previous = analyze(t);
      for (const e of edits) {
        const next = edited(previous.text, Math.min(e.at, previous.text.length), e.remove, e.insert);
        const reused = analyze(next, {}, previous);
        assert.deepStrictEqual(factsOf(reused), factsOf(analyze(next)));
        moved += reused.instructions.filter((i, k) => i.run && previous.instructions[k]?.run && i.run !== previous.instructions[k].run && i.node === previous.instructions[k].node).length;
        previous = reused;
      }
    }), { numRuns: RUNS, seed: SEED });
    assert.ok(moved > RUNS / 3, `only ${moved} RUN facts were moved`);
  });

  it('lints an edited version to the same findings and fixes as a fresh lint', () => {
    // an edit of the same length above a RUN keeps the RUN's facts as they were: what depends on the
    // ENV, ARG, USER or WORKDIR above it must still be worked out for this version
    const t = 'FROM python:3.12\nENV PIP_CACHE_DIR=/root/.cache/pip\nUSER root\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n';
    for (const next of [t.replace('/root/.cache/pip\n', '/root/.cache/pop\n'), t.replace('USER root', 'USER roo1'), t.replace('ENV PIP_CACHE_DIR', 'ENV PIP_CACHE_DIX'), t.replace('WORKDIR /app', 'WORKDIR /ap1')]) {
      const first = lint(DOCKERFILE, t);
      const reused = lint(DOCKERFILE, next, undefined, undefined, undefined, first.model);
      assert.deepStrictEqual(reused.findings, lint(DOCKERFILE, next).findings, next);
    }
    const texts = fixtureTexts();
    fc.assert(fc.property(fc.oneof(dockerfile, fc.constantFrom(...texts)).chain(t => fc.tuple(fc.constant(t), fc.array(anEdit(t), { minLength: 1, maxLength: 4 }))), ([t, edits]) => {
      let previous = lint(DOCKERFILE, t).model!;
      for (const e of edits) {
        const next = edited(previous.text, Math.min(e.at, previous.text.length), e.remove, e.insert);
        const reused = lint(DOCKERFILE, next, undefined, undefined, undefined, previous);
        assert.deepStrictEqual(reused.findings, lint(DOCKERFILE, next).findings);
        previous = reused.model!;
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});

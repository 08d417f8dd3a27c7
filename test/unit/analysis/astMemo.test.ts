import * as assert from 'assert';
import fc from 'fast-check';
import { DockerfileParser, type Run } from 'dockerfile-ast';
import { forgetKept, keepOnlyLatest, setAstMemo } from '../../../common/analysis/astMemo';
import { parseDockerfile, parseWhole } from '../../../common/analysis/dockerfileParse';
import { dockerfile, garbage, mutated } from '../../support/dockerfileArbitrary';
import { snapshot } from '../../support/astSnapshot';
import { fixtureTexts } from '../../support/fixtureFiles';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

function agrees(text: string): void {
  setAstMemo(false);
  let plain: unknown;
  try {
    plain = snapshot(text);
  } finally {
    setAstMemo(true);
  }
  assert.deepStrictEqual(snapshot(text), plain);
}

describe('dockerfile-ast with kept arguments (astMemo)', function () {
  this.timeout(600_000);

  it('answers what dockerfile-ast answers by itself, on every fixture and sample', () => {
    const texts = fixtureTexts();
    assert.ok(texts.length > 5, 'expected fixtures');
    for (const t of texts) agrees(t);
  });

  it('answers the same for flags, heredocs, continuations, escape directives and ONBUILD', () => {
    agrees('# escape=`\nFROM x AS b\nRUN --mount=type=cache,target=/r `\n  apk add `\n  # c\n  curl\nONBUILD RUN --network=none echo hi\nCOPY --from=b <<EOF /a\nhi\nEOF\n');
    agrees('FROM x\nRUN <<A cat <<-B\na\nA\n\tb\n\tB\nENV A=1 B="2 3" \\\n  C=4\nARG X\nHEALTHCHECK --interval=3s CMD ["a", "b"]\nRUN ["sh", "-c", "x"]\n');
  });

  it('answers the same on generated, garbage and mutated Dockerfiles', () => {
    fc.assert(fc.property(dockerfile, agrees), { numRuns: RUNS, seed: SEED });
    fc.assert(fc.property(garbage, agrees), { numRuns: Math.ceil(RUNS / 3), seed: SEED });
    const texts = fixtureTexts();
    fc.assert(fc.property(fc.nat({ max: texts.length - 1 }).chain(i => mutated(texts[i])), agrees), { numRuns: RUNS, seed: SEED });
  });

  it('hands out a fresh array each time (dockerfile-ast shifts the flags off the one it gets)', () => {
    const run = DockerfileParser.parse('FROM x\nRUN --mount=type=cache,target=/r echo hi\n').getInstructions()[1] as Run;
    const a = run.getArguments();
    a.length = 0;
    assert.deepStrictEqual(run.getArguments().map(x => x.getValue()), ['echo', 'hi']);
    assert.strictEqual(run.getFlags().length, 1);
  });

  it('answers the same after forgetting what it kept (a model held after its lint)', () => {
    const text = 'FROM x\nRUN --mount=type=cache,target=/r <<EOF\necho hi\nEOF\nCOPY --from=x a b\n';
    const ast = DockerfileParser.parse(text);
    const before = ast.getInstructions().map(i => [i.toString(), i.getArguments().map(a => a.getValue()), i.getArgumentsRange()]);
    forgetKept(ast.getInstructions());
    assert.ok(ast.getInstructions().every(i => (i as unknown as { __rawArguments?: unknown }).__rawArguments === undefined));
    assert.deepStrictEqual(ast.getInstructions().map(i => [i.toString(), i.getArguments().map(a => a.getValue()), i.getArgumentsRange()]), before);
  });

  it('keeps only the latest model\'s arguments, and those of the instructions it shares with the model before', () => {
    const kept = (nodes: readonly unknown[]) => nodes.map(n => (n as { __rawArguments?: unknown }).__rawArguments !== undefined);
    const a = parseWhole('FROM x\nRUN echo a\n');
    const b = parseWhole('FROM y\nRUN echo b\nRUN echo c\n');
    for (const p of [a, b]) p.instructions.forEach(i => i.getArguments());
    keepOnlyLatest(a.instructions);
    keepOnlyLatest(b.instructions);
    assert.deepStrictEqual(kept(a.instructions), [false, false], 'another document\'s model lets go');
    assert.deepStrictEqual(kept(b.instructions), [true, true, true]);
    const b2 = parseDockerfile(b.text.replace('echo c', 'echo cd'), b);
    b2.instructions.forEach(i => i.getArguments());
    keepOnlyLatest(b2.instructions);
    assert.deepStrictEqual(kept(b.instructions), [true, true, false], 'the shared instructions keep theirs');
    assert.deepStrictEqual(kept(b2.instructions), [true, true, true]);
  });
});

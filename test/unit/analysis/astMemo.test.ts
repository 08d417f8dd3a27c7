import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { DockerfileParser, type Instruction, type Run } from 'dockerfile-ast';
import { forgetKept, setAstMemo } from '../../../common/analysis/astMemo';
import { dockerfile, garbage, mutated } from '../../support/dockerfileArbitrary';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

type Loose = Instruction & Record<string, ((...a: unknown[]) => unknown) | undefined>;
const call = (i: Instruction, name: string): unknown => {
  const f = (i as Loose)[name];
  return typeof f === 'function' ? f.call(i) : '<none>';
};

/** Everything dockerfile-ast answers about every instruction (ONBUILD triggers included), in plain data. */
function snapshot(text: string): unknown {
  const ast = DockerfileParser.parse(text);
  const all = [...ast.getInstructions(), ...(ast.getOnbuildTriggers?.() ?? [])];
  const args = (i: Instruction, name: string) => (call(i, name) as Array<{ getValue(): string; getRange(): unknown }>).map(a => [a.getValue(), a.getRange()]);
  return all.map(i => ({
    keyword: i.getKeyword(),
    range: i.getRange(),
    text: i.toString(),
    // asked twice: the second answer comes from what the first one kept
    args: args(i, 'getArguments'),
    argsAgain: args(i, 'getArguments'),
    raw: args(i, 'getRawArguments'),
    argsRange: i.getArgumentsRange(),
    argsRanges: i.getArgumentsRanges(),
    rawContent: i.getRawArgumentsContent(),
    content: i.getArgumentsContent(),
    flags: ((call(i, 'getFlags') as Array<{ getName(): string; getValue(): string | null; getRange(): unknown }> | string)),
    heredocs: [0, 1].map(() => {
      const h = call(i, 'getHeredocs');
      return Array.isArray(h) ? h.map((d: { getName(): string; getStartRange(): unknown; getNameRange(): unknown; getContentRange(): unknown; getDelimiterRange(): unknown }) =>
        [d.getName(), d.getStartRange(), d.getNameRange(), d.getContentRange(), d.getDelimiterRange()]) : h;
    }),
    json: Array.isArray(call(i, 'getJSONStrings')) ? (call(i, 'getJSONStrings') as Array<{ getJSONValue(): string; getRange(): unknown }>).map(j => [j.getJSONValue(), j.getRange()]) : '<none>',
    properties: Array.isArray(call(i, 'getProperties')) ? (call(i, 'getProperties') as Array<{ getName(): string; getValue(): string | null; getRange(): unknown }>).map(p => [p.getName(), p.getValue(), p.getRange()]) : '<none>',
  })).map(s => ({ ...s, flags: Array.isArray(s.flags) ? s.flags.map(f => [f.getName(), f.getValue(), f.getRange()]) : s.flags }));
}

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

function fixtureTexts(): string[] {
  const root = path.resolve(__dirname, '../../../..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Dockerfile|Containerfile/i.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  for (const d of ['test/fixtures', 'samples']) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  return out;
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
});

/**
 * Everything dockerfile-ast answers about instructions, in plain data: the specs that check a faster way
 * to the same parse (astMemo.ts, dockerfileParse.ts) compare these snapshots with dockerfile-ast's own.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

type Loose = Instruction & Record<string, ((...a: unknown[]) => unknown) | undefined>;
const call = (i: Instruction, name: string): unknown => {
  const f = (i as Loose)[name];
  return typeof f === 'function' ? f.call(i) : '<none>';
};

/** What dockerfile-ast answers about every instruction of `text` (ONBUILD triggers included). */
export function snapshot(text: string): unknown {
  const ast = DockerfileParser.parse(text);
  return snapshotOf([...ast.getInstructions(), ...(ast.getOnbuildTriggers?.() ?? [])]);
}

/** What dockerfile-ast answers about each of `all`. */
export function snapshotOf(all: readonly Instruction[]): unknown {
  const args = (i: Instruction, name: string) => (call(i, name) as Array<{ getValue(): string; getRange(): unknown }>).map(a => [a.getValue(), a.getRange()]);
  return all.map(i => ({
    keyword: i.getKeyword(),
    range: i.getRange(),
    instructionRange: i.getInstructionRange(),
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

/**
 * dockerfile-ast recomputes an instruction's arguments from its text on every call: `getRawArguments`
 * scans the instruction and maps each argument to a position (a binary search per end), and nearly every
 * accessor goes through it — `getArguments`, `getArgumentsRange`, `getRawArgumentsContent`,
 * `getHeredocs`, `toString`, and the parser's own constructors (a RUN scans its arguments four times
 * while being built). Profiled on a 1,000-line file, that was 40% of a lint.
 *
 * An instruction is immutable once parsed (its document text never changes), so the first scan can be
 * kept on the instance. Callers get a fresh array each time, because dockerfile-ast's own
 * `ModifiableInstruction.getArguments` shifts the flags off the array it gets back. `getHeredocs` is
 * kept the same way. dockerfile-ast stays the parser of record: test/unit/analysis/astMemo.test.ts
 * checks that every accessor answers the same with and without this, on the fixtures and fuzzed files.
 */
import { Instruction, type Argument, type Heredoc } from 'dockerfile-ast';

type Memo = { __rawArguments?: Argument[]; __heredocs?: Heredoc[] };
type Proto = {
  getRawArguments(this: Instruction): Argument[];
  getHeredocs(this: Instruction): Heredoc[];
};

const proto = Instruction.prototype as unknown as Proto;
/** The library's own methods, as shipped. */
const original: Proto = { getRawArguments: proto.getRawArguments, getHeredocs: proto.getHeredocs };

function memoRawArguments(this: Instruction & Memo): Argument[] {
  const kept = this.__rawArguments ??= original.getRawArguments.call(this);
  return kept.slice();
}

function memoHeredocs(this: Instruction & Memo): Heredoc[] {
  // subclasses (Run, Copy) call super.getHeredocs(): this is the one implementation they reach
  const kept = this.__heredocs ??= original.getHeredocs.call(this);
  return kept.slice();
}

/** Keep each instruction's arguments and heredocs after the first scan (on by default). */
export function setAstMemo(on: boolean): void {
  proto.getRawArguments = on ? memoRawArguments : original.getRawArguments;
  proto.getHeredocs = on ? memoHeredocs : original.getHeredocs;
}

setAstMemo(true);

/**
 * Let go of what the instructions of `nodes` kept (their accessors then scan again, as published). Kept
 * arguments add about 40% to the heap a parsed file holds; a model kept after its lint (code actions,
 * hover) answers rarely enough to go without them.
 */
export function forgetKept(nodes: Iterable<Instruction>): void {
  for (const n of nodes as Iterable<Instruction & Memo>) {
    n.__rawArguments = undefined;
    n.__heredocs = undefined;
  }
}

/** The instructions of the model linted last: they keep what they kept (see keepOnlyLatest). */
let latest: readonly Instruction[] = [];

/**
 * Keep what the instructions of the model just linted (`nodes`) kept, and let go of what the model linted
 * before it kept, save for the instructions the two share. A document being typed into re-uses most of
 * its instructions from one version to the next (dockerfileParse.ts), and their kept arguments with them;
 * every other model kept after its lint (code actions, hover) goes without, so at most one model's worth
 * is held.
 */
export function keepOnlyLatest(nodes: readonly Instruction[]): void {
  const now = new Set(nodes);
  forgetKept(latest.filter(n => !now.has(n)));
  latest = nodes;
}

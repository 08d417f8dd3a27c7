import type { InstructionFact } from '../../../common/analysis/model';
import type { PackageInvocation } from '../../../common/analysis/packageManagers';

/** The first line of an instruction, shortened for messages. */
export function snippet(fact: InstructionFact, max = 60): string {
  const first = fact.node.toString().split(/\r?\n/)[0].replace(/\s*\\$/, '').trim();
  return first.length > max ? first.slice(0, max - 1) + '…' : first;
}

/** The command of an invocation as written, shortened for messages. */
export function commandText(inv: PackageInvocation, max = 50): string {
  const t = inv.words.map(w => w.text).join(' ');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

export const lineNo = (fact: InstructionFact) => fact.range.start.line + 1;

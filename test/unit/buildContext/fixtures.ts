import * as path from 'path';
import { answerFor } from '../../../server/src/buildContext/locate';

/** test/fixtures/context (fixtures are not compiled: resolve from out/test/unit/context back to the source tree). */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/context');

/** The what-rebuilds answer for a fixture file, as the CLI's JSON reports it; `buildContext` relative to the fixture tree. */
export function ask(tree: string, file: string, opts: { dockerfile?: string; buildContext?: string; target?: string; buildArgs?: Record<string, string> } = {}) {
  const dir = path.join(FIXTURES, tree);
  const a = answerFor({
    dockerfile: path.join(dir, opts.dockerfile ?? 'Dockerfile'), file: path.join(dir, file),
    buildContext: opts.buildContext !== undefined ? path.join(dir, opts.buildContext) : undefined, target: opts.target,
    buildArgs: opts.buildArgs && new Map(Object.entries(opts.buildArgs)),
  });
  return {
    inContext: a.answer.inContext,
    reason: a.answer.reason,
    first: a.answer.first?.line ?? null,
    rerun: a.answer.rerun.map(s => s.line),
    answerRerun: a.answer.rerun,
    total: a.answer.totalSteps,
    answer: a,
  };
}

import { removeActionInput, removeWord } from './edits';
import type { CiRule } from './types';
import { docsFor, type Fix, type RuleFinding } from '../types';

const id = 'ci-no-cache';

const ADVICE =
  'If the point is a fresh base image, `--pull` (build-push-action: `pull: true`) fetches it and still reuses the layers above it; ' +
  'or keep the cold build in a scheduled job (GitHub `on: schedule`, GitLab `rules: - if: $CI_PIPELINE_SOURCE == "schedule"`). ' +
  'The quick fix removes the flag; Fix All leaves it, because a cold build may be what you want.';

/** `--no-cache` (or `no-cache: true`) on a build that runs on every push, not only on a schedule. */
export const ciNoCache: CiRule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: '`--no-cache` (or build-push-action `no-cache: true`) on a CI build that runs on every push: every build starts cold and ignores any imported cache.',
    docs: docsFor(id),
  },
  check({ model }) {
    const findings: RuleFinding[] = [];
    for (const b of model.builds) {
      if (b.scheduledOnly) continue;
      if (b.kind === 'action') {
        const input = b.inputs['no-cache'];
        if (!input || input.value !== 'true') continue;
        const edit = removeActionInput(model, b, input);
        findings.push({
          range: { start: model.document.positionAt(input.start), end: model.document.positionAt(input.end) },
          message: `no-cache: true in job "${b.job}": every run of this workflow builds every layer from scratch and ignores cache-from. ${ADVICE}` + (b.shared ? ` (No automatic fix: ${b.shared}.)` : ''),
          fixes: removal('Remove no-cache: true', edit),
        });
        continue;
      }
      for (const o of b.options) {
        if (o.name !== '--no-cache' || o.value === 'false') continue;
        const edit = o.valueWord ? undefined : removeWord(model, b, o.word);
        findings.push({
          range: { start: model.document.positionAt(o.word.start), end: model.document.positionAt(o.word.end) },
          message: `--no-cache on the docker build of job "${b.job}": every pipeline run builds every layer from scratch and ignores --cache-from. ${ADVICE}` + (b.shared ? ` (No automatic fix: ${b.shared}.)` : ''),
          fixes: removal('Remove --no-cache', edit),
        });
      }
    }
    return findings;
  },
};

const removal = (title: string, edit: Fix['edits'][number] | undefined): Fix[] => (edit ? [{ title, preferred: false, edits: [edit] }] : []);

/**
 * CI workflows for the lint engine (GitHub Actions `.github/workflows/*.yml|yaml`, GitLab `.gitlab-ci.yml`):
 * parsed by common/analysis/ciWorkflow (YAML with source positions, scripts through the shell parser),
 * linted by the rules of server/src/rules/ci/. A fix is safe when the result is YAML without errors
 * with the same jobs, steps and builds. The rules read the stages of the Dockerfiles the workflow
 * builds, which the CLI and the server gather through `referencedDockerfiles`.
 */
import { parseDocument } from 'yaml';
import { ciDockerfiles, ciRepositoryRoot, isCiWorkflowPath, parseCiWorkflow, type CiModel } from '../../../../common/analysis/ciWorkflow';
import { CI_RULES } from '../../rules/index';
import type { FileKind } from '../fileKind';
import { ignoreCommentAction, isSuppressedByComment } from './yamlComments';

/** What a fix must leave alone: the jobs, their steps, and how many builds they run. */
const shape = (m: CiModel) => JSON.stringify([m.flavour, m.jobs, m.builds.map(b => `${b.kind} ${b.job}`)]);

export const CI: FileKind<CiModel> = {
  id: 'ci',
  noun: 'CI workflow',
  // the GitHub Actions extension's language id for workflow files
  languageIds: ['github-actions-workflow'],
  claimsPath: isCiWorkflowPath,
  readsBuildContext: false,
  referencedDockerfiles: (model, file) => ({ root: ciRepositoryRoot(file), paths: ciDockerfiles(model) }),
  rules: CI_RULES,
  parse: parseCiWorkflow,
  isSuppressed: isSuppressedByComment,
  keepsStructure(model, next) {
    if (parseDocument(next, { uniqueKeys: false }).errors.length > 0) return false;
    return shape(parseCiWorkflow(next)) === shape(model);
  },
  // no footprint: YAML edits shift what follows them, so fix-all applies one fix per pass
  ignoreAction: ignoreCommentAction,
};

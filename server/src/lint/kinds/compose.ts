/**
 * Compose files for the lint engine: parsed by common/analysis/composeModel (YAML with source
 * positions), linted by the rules of server/src/rules/compose/, and a fix is safe when the result is
 * YAML without errors that still has the same services in the same order.
 */
import { parseDocument } from 'yaml';
import { parseCompose, type ComposeModel } from '../../../../common/analysis/composeModel';
import { isComposeFileName } from '../../../../common/analysis/fileNames';
import { COMPOSE_RULES } from '../../rules/index';
import type { FileKind } from '../fileKind';
import { ignoreCommentAction, isSuppressedByComment } from './yamlComments';

const serviceNames = (m: ComposeModel) => m.services.map(s => s.name).join('\n');

export const COMPOSE: FileKind<ComposeModel> = {
  id: 'compose',
  noun: 'Compose file',
  languageIds: ['dockercompose'],
  claimsPath: path => isComposeFileName(path.slice(path.lastIndexOf('/') + 1)),
  readsBuildContext: false,
  rules: COMPOSE_RULES,
  parse: parseCompose,
  isSuppressed: isSuppressedByComment,
  keepsStructure(model, next) {
    if (parseDocument(next).errors.length > 0) return false;
    return serviceNames(parseCompose(next)) === serviceNames(model);
  },
  // no footprint: YAML edits shift what follows them, so fix-all applies one fix per pass
  ignoreAction: ignoreCommentAction,
};

/**
 * Which kind of file a document or a path is, for the CLI and the language server alike (the one
 * place that decides Dockerfile vs Compose). A new kind is one more entry in FILE_KINDS (see fileKind.ts).
 */
import { cutAtFirst } from '../../../common/analysis/text';
import type { FileKind, LintedModel } from './fileKind';
import { CI } from './kinds/ci';
import { COMPOSE } from './kinds/compose';
import { DOCKERFILE } from './kinds/dockerfile';

export { CI, COMPOSE, DOCKERFILE };

/** Every kind the engine lints. The Dockerfile comes first: it is what any other non-YAML document is taken for. */
export const FILE_KINDS: readonly FileKind[] = [DOCKERFILE, COMPOSE, CI];

/** The YAML kinds: claimed by their language id or their path; other YAML is left alone. */
const YAML_KINDS: readonly FileKind[] = FILE_KINDS.filter(k => k !== DOCKERFILE);

export const kindById = (id: string): FileKind | undefined => FILE_KINDS.find(k => k.id === id);

/** The decoded path of a document URI (query and fragment cut off); the raw text when it does not decode. */
function uriPath(uri: string): string {
  const raw = cutAtFirst(uri, '?#');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * How the language server treats an open document: a YAML kind whose language id it has or that
 * claims its path (compose.yaml opened as plain YAML), nothing for other YAML (language id `yaml`),
 * nothing for an ignore file (`Dockerfile.dockerignore`), a Dockerfile otherwise (the client only sends
 * Dockerfile, Compose and YAML documents).
 */
export function kindOfDocument(languageId: string, uri: string): FileKind | undefined {
  const path = uriPath(uri);
  const yaml = YAML_KINDS.find(k => k.languageIds.includes(languageId)) ?? YAML_KINDS.find(k => k.claimsPath(path));
  if (yaml) return yaml;
  // VS Code gives `Dockerfile.dockerignore` the dockerfile language (its `Dockerfile.*` pattern): an ignore file is not linted
  if (/\.(docker|container)ignore$/i.test(path)) return undefined;
  return languageId === 'yaml' ? undefined : DOCKERFILE;
}

/**
 * How the CLI treats a file it was given or found: a YAML kind that claims it; any other .yml/.yaml
 * given by name is linted as a Compose file; everything else as a Dockerfile.
 */
export function kindOfFile(file: string): FileKind<LintedModel> {
  const path = file.replace(/\\/g, '/');
  if (DOCKERFILE.claimsPath(path)) return DOCKERFILE;
  const yaml = YAML_KINDS.find(k => k.claimsPath(path));
  if (yaml) return yaml;
  return /\.ya?ml$/i.test(path) ? COMPOSE : DOCKERFILE;
}

/** Whether the CLI lints a file it finds in a folder: some kind claims its name or its place (`/`-separated path). */
export const isLintedFileName = (file: string): boolean => FILE_KINDS.some(k => k.claimsPath(file));

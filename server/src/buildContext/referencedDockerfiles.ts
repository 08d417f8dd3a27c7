/**
 * The stages of the Dockerfiles a file of another kind builds (a CI workflow's `file:` / `-f` /
 * context), read for the CI rules: bounded reads of regular files inside the repository root only,
 * a few files at most, cached for a few seconds (the server re-lints a workflow on every keystroke).
 */
import * as path from 'path';
import { analyze } from '../../../common/analysis/analyze';
import { readWorkspaceText } from '../../../common/boundedRead';
import type { DockerfileShape, WorkspaceFacts } from '../rules/types';

const MAX_FILES = 20;
const MAX_BYTES = 512 * 1024;
const TTL_MS = 5000;

const cache = new Map<string, { at: number; shape: DockerfileShape | undefined }>();

function shapeOf(root: string, rel: string, now: number): DockerfileShape | undefined {
  const file = path.join(root, ...rel.split('/'));
  const hit = cache.get(file);
  if (hit && now - hit.at < TTL_MS) return hit.shape;
  let shape: DockerfileShape | undefined;
  try {
    // `root` bounds the read: a path or symlink leading out of the repository is refused
    const model = analyze(readWorkspaceText(file, { root, maxBytes: MAX_BYTES }));
    shape = { stages: model.stages.map(s => ({ ...(s.name ? { name: s.name } : {}), ...(s.parent !== undefined ? { parent: s.parent } : {}) })) };
  } catch {
    shape = undefined; // missing, too large, not a regular file, outside the root: no facts, no finding
  }
  cache.set(file, { at: now, shape });
  if (cache.size > 200) cache.delete(cache.keys().next().value as string);
  return shape;
}

/** `WorkspaceFacts.dockerfiles` for Dockerfiles named relative to `root` (only those that could be read). */
export function dockerfileShapes(root: string, paths: readonly string[], now = Date.now()): Pick<WorkspaceFacts, 'dockerfiles'> {
  const out: Record<string, DockerfileShape> = {};
  for (const rel of paths.slice(0, MAX_FILES)) {
    if (path.posix.isAbsolute(rel) || rel.split('/').includes('..')) continue;
    const shape = shapeOf(root, rel, now);
    if (shape) out[rel] = shape;
  }
  return { dockerfiles: out };
}

/** A kind as far as its referenced Dockerfiles go (lint/fileKind.ts), without importing the engine. */
interface ReferencingKind<M> {
  parse(text: string): M;
  referencedDockerfiles?(model: M, file: string): { readonly root: string; readonly paths: readonly string[] };
}

/** The workspace facts of a file whose kind reads other Dockerfiles; `{}` for every other kind. */
export function referencedFacts<M>(kind: ReferencingKind<M>, file: string, text: string, model?: M): WorkspaceFacts {
  if (!kind.referencedDockerfiles) return {};
  const refs = kind.referencedDockerfiles(model ?? kind.parse(text), file);
  return refs.paths.length ? dockerfileShapes(refs.root, refs.paths) : {};
}

export function clearReferencedDockerfilesCache(): void {
  cache.clear();
}

/** The repository's own Dockerfiles (test/fixtures and samples/), for specs that run over all of them. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Paths of the files under test/fixtures and samples/ whose name `accept`s: by default every name that
 * mentions Dockerfile or Containerfile (ignore files such as `api.Dockerfile.dockerignore` included, as
 * texts for the parser to survive); the bench passes isDockerfileName for the Dockerfiles alone.
 */
export function fixtureFiles(accept: (name: string) => boolean = name => /Dockerfile|Containerfile/i.test(name)): string[] {
  const root = path.resolve(__dirname, '../../..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (accept(e.name)) out.push(p);
    }
  };
  for (const d of ['test/fixtures', 'samples']) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  return out;
}

/** Their texts. */
export const fixtureTexts = (): string[] => fixtureFiles().map(f => fs.readFileSync(f, 'utf8'));

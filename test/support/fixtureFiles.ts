/** The repository's own Dockerfiles (test/fixtures and samples/), for specs that run over all of them. */
import * as fs from 'fs';
import * as path from 'path';

/** Paths of the Dockerfiles and Containerfiles under test/fixtures and samples/. */
export function fixtureFiles(): string[] {
  const root = path.resolve(__dirname, '../../..');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Dockerfile|Containerfile/i.test(e.name)) out.push(p);
    }
  };
  for (const d of ['test/fixtures', 'samples']) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  return out;
}

/** Their texts. */
export const fixtureTexts = (): string[] => fixtureFiles().map(f => fs.readFileSync(f, 'utf8'));

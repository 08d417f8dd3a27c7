import * as fs from 'fs';
import * as path from 'path';

/** The package version, read from the package.json above this file (bundled or compiled). */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'dockerfile-cache-advisor') return pkg.version;
    } catch { /* keep looking */ }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * The environment for an npm (or a tool that runs npm) started by a test. `npm test` exports
 * npm_config_* and npm_package_* variables that an inner npm would take as its own configuration
 * (the outer run's prefix, user agent and lifecycle state), so they are dropped.
 */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_(config|package|lifecycle)_/i.test(k) && k !== 'INIT_CWD' && k !== 'npm_execpath' && k !== 'npm_node_execpath' && k !== 'npm_command') env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * `npm pack` of this checkout into `dest`; returns the tarball's path. Scripts are skipped: the bundles
 * `npm test` built are packed as they are, and prepack does not rebuild dist/ under the other suites.
 */
export function packProject(root: string, dest: string, env: NodeJS.ProcessEnv): { tarball: string; files: string[] } {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: root, env, encoding: 'utf8' }));
  return { tarball: path.join(dest, packed.filename), files: packed.files.map((f: { path: string }) => f.path) };
}

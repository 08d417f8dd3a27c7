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

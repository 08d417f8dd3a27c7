import { ignoreSpec } from '../../../common/analysis/ignoreSpec';
import type { DockerfileModel, InstructionFact } from '../../../common/analysis/model';
import type { Manager } from '../../../common/analysis/packageManagers';
import { unwrapCommand } from '../../../common/analysis/shell';
import { lineNo, snippet } from './describe';
import { docsFor, type Rule, type WorkspaceFacts } from './types';
import { trimTrailingSlashes, beforeWildcardSegment } from '../../../common/analysis/text';

const id = 'missing-dockerignore';

type Ecosystem = 'python' | 'node' | 'go' | 'rust' | 'java-maven' | 'java-gradle' | 'ruby' | 'php' | 'dotnet';

const BY_MANAGER: Partial<Record<Manager, Ecosystem>> = {
  pip: 'python', uv: 'python', poetry: 'python', pipenv: 'python', conda: 'python', npm: 'node', yarn: 'node', pnpm: 'node',
  go: 'go', cargo: 'rust', maven: 'java-maven', gradle: 'java-gradle', bundler: 'ruby', gem: 'ruby', composer: 'php', nuget: 'dotnet',
};
const BY_FILE: ReadonlyArray<[RegExp, Ecosystem]> = [
  [/^(requirements[\w.-]*\.txt|pyproject\.toml|setup\.py|Pipfile|poetry\.lock|uv\.lock|environment\.ya?ml)$/, 'python'],
  [/^(package\.json|yarn\.lock|pnpm-lock\.yaml)$/, 'node'], [/^go\.mod$/, 'go'], [/^Cargo\.toml$/, 'rust'], [/^pom\.xml$/, 'java-maven'],
  [/^(build|settings)\.gradle(\.kts)?$/, 'java-gradle'], [/^Gemfile$/, 'ruby'], [/^composer\.json$/, 'php'], [/\.(csproj|fsproj|sln)$/, 'dotnet'],
];

const COMMON = ['.git', '.gitignore', '.dockerignore', '**/.DS_Store', '.idea', '.vscode', '**/*.swp', '**/*~', 'Dockerfile*', '*.Dockerfile', 'docker-compose*.y*ml', 'compose*.y*ml', '**/*.log'];
const PATTERNS: Record<Ecosystem, string[]> = {
  python: ['**/__pycache__', '**/*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '**/*.egg-info', '.coverage', 'htmlcov'],
  node: ['**/node_modules', '.npm', 'npm-debug.log*', 'yarn-error.log*', '.pnpm-store', 'coverage', '.next/cache'],
  go: ['**/*.test', 'coverage.out'],
  rust: ['target'],
  'java-maven': ['target'],
  'java-gradle': ['.gradle', 'build'],
  ruby: ['.bundle', 'vendor/bundle', 'log/*', 'tmp/*'],
  php: ['vendor'],
  dotnet: ['**/bin', '**/obj'],
};

function ecosystems(model: DockerfileModel, ws: WorkspaceFacts): Ecosystem[] {
  const found = new Set<Ecosystem>();
  for (const f of model.instructions) for (const inv of f.run?.invocations ?? []) { const e = BY_MANAGER[inv.manager]; if (e) found.add(e); }
  for (const file of ws.contextFiles ?? []) {
    if (file.includes('/')) continue;
    for (const [re, e] of BY_FILE) if (re.test(file)) found.add(e);
  }
  for (const f of model.instructions) for (const s of f.copy?.sources ?? []) for (const [re, e] of BY_FILE) if (re.test(s.value.replace(/^.*\//, ''))) found.add(e);
  return [...found];
}

const usesGit = (model: DockerfileModel) => model.instructions.some(f => f.run?.script.commands.some(c => {
  const w = unwrapCommand(c.words).map(x => x.value ?? '');
  return w[0] === 'git' && w[1] !== 'clone' && !(w[1] === 'config' && w.includes('--global'));
}));

/** Context paths the Dockerfile needs by name: explicit COPY/ADD sources, and `.git` when a RUN uses git on copied files. */
function neededPaths(model: DockerfileModel, ws: WorkspaceFacts): string[] {
  const out: string[] = [];
  for (const f of model.instructions) {
    if (!f.copy || f.copy.from !== undefined || f.copy.heredoc) continue;
    for (const s of f.copy.sources) {
      if (s.kind === 'context') continue;
      const rel = trimTrailingSlashes(s.value.replace(/^\.\//, ''));
      if (/[*?[]/.test(rel)) {
        const dir = beforeWildcardSegment(rel);
        if (dir) out.push(dir);
        continue;
      }
      out.push(rel);
      for (const file of ws.contextFiles ?? []) if (file.startsWith(rel + '/')) out.push(file);
    }
  }
  if (usesGit(model)) out.push('.git', '.git/HEAD');
  return out;
}

/**
 * What defaultDockerignore reads of the Dockerfile (through ecosystems and neededPaths): the package
 * managers it runs, every COPY/ADD source (and whether it copies from the context), and whether it runs git.
 */
const dockerfileInputs = (model: DockerfileModel): string => JSON.stringify([
  [...new Set(model.instructions.flatMap(f => (f.run?.invocations ?? []).map(i => i.manager)))].sort(),
  model.instructions.flatMap(f => (f.copy ? [[f.copy.from !== undefined || f.copy.heredoc, f.copy.sources.map(s => [s.kind, s.value])]] : [])),
  usesGit(model),
]);

/**
 * The defaults made last, by the context listing they read (an object the workspace facts keep for
 * seconds) and then by what they read of the Dockerfile: made again on every keystroke, they scanned the
 * whole listing once per COPY source (7 ms a keystroke in a 1,000-line file with 3,000 context files).
 */
const madeDefaults = new WeakMap<object, Map<string, string>>();
const NO_LISTING = {};
const DEFAULTS_KEPT = 8;

/** The default .dockerignore for this Dockerfile: common and ecosystem patterns, minus any that would hide a file it copies by name. */
export function defaultDockerignore(model: DockerfileModel, ws: WorkspaceFacts): string {
  const listing = ws.contextFiles ?? NO_LISTING;
  const key = dockerfileInputs(model);
  let made = madeDefaults.get(listing);
  if (!made) madeDefaults.set(listing, (made = new Map()));
  let content = made.get(key);
  if (content === undefined) {
    content = makeDefaults(model, ws);
    made.set(key, content);
    if (made.size > DEFAULTS_KEPT) made.delete(made.keys().next().value as string);
  }
  return content;
}

function makeDefaults(model: DockerfileModel, ws: WorkspaceFacts): string {
  const eco = ecosystems(model, ws);
  const needed = neededPaths(model, ws);
  const keep = (pattern: string) => {
    const spec = ignoreSpec([pattern]);
    return !needed.some(p => spec.ignores(p));
  };
  const sections: string[] = [
    '# Keep the build context small and stable: everything listed here is never sent to the builder,',
    '# so changing it does not invalidate `COPY . .` and the layers after it.',
    '# Generated by Dockerfile Cache Advisor; see docs/rules.md#missing-dockerignore.',
    '',
    '# version control, editors, Docker files',
    ...COMMON.filter(keep),
  ];
  const seen = new Set(COMMON);
  for (const e of eco) {
    const patterns = PATTERNS[e].filter(p => !seen.has(p) && keep(p));
    patterns.forEach(p => seen.add(p));
    if (patterns.length) sections.push('', `# ${e}`, ...patterns);
  }
  return sections.join('\n') + '\n';
}

const contextCopy = (f: InstructionFact) => !!f.copy?.broad && f.copy.sources.some(s => s.kind === 'context');

/** A whole-context COPY/ADD with no .dockerignore: .git, node_modules, caches and editor files bust the layer on every commit. */
export const missingDockerignore: Rule = {
  meta: {
    id,
    defaultSeverity: 'warning',
    description: 'A COPY/ADD of the whole build context with no .dockerignore: .git/, node_modules/, __pycache__/ and editor files change the layer on every commit.',
    docs: docsFor(id),
  },
  check({ model, workspace }) {
    if (workspace.ignoreFile !== null) return []; // one exists, or nobody told us
    const copies = model.instructions.filter(f => !f.onbuild && contextCopy(f));
    if (copies.length === 0) return [];
    const first = copies[0];
    // a Dockerfile below the repository root that copies nothing by name may well be built from the root:
    // a .dockerignore created next to it would then apply to nothing
    const guessed = workspace.contextOrigin === 'guessed';
    return [{
      range: first.range,
      message:
        `\`${snippet(first, 40)}\` sends the whole build context, and it has no .dockerignore: .git/, node_modules/, __pycache__/, ` +
        `virtualenvs and editor files are copied too, so every commit or local change invalidates this layer and everything after it. ` +
        'Add a .dockerignore at the root of the build context (or `<Dockerfile name>.dockerignore` next to the Dockerfile).' +
        (guessed ? ' (No automatic fix: the build context may be a folder above the Dockerfile; set `cacheAdvisor.buildContext` or a Compose `build.context`.)' : ''),
      related: copies.slice(1).map(c => ({ range: c.range, message: `also copies the whole context (line ${lineNo(c)})` })),
      fixes: guessed ? [] : [{
        title: 'Create .dockerignore with defaults for this project',
        preferred: true,
        edits: [],
        createFiles: [{ path: '.dockerignore', content: defaultDockerignore(model, workspace) }],
      }],
    }];
  },
};

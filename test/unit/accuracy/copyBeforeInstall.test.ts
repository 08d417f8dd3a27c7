/**
 * Regression corpus for copy-before-install: every install input a reorder could strand, and every
 * established "dependencies first" pattern. Each case is a minimal Dockerfile written for it, with its
 * build context on disk; every fix is checked to keep each install's inputs above that install.
 */
import * as assert from 'assert';
import { analyze } from '../../../common/analysis/analyze';
import { covers, normalisePath } from '../../../common/analysis/mounts';
import { fixAll } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import type { WorkspaceFacts } from '../../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { contextOnDisk } from '../../support/contextOnDisk';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'copy-before-install';

/**
 * Replays the COPYs of each stage against the context listing and asserts that, when the RUN whose text
 * contains `marker` runs, every listed input is already in the image (an independent model of the build,
 * not the rule's own analysis).
 */
function assertInputsAbove(text: string, files: readonly string[], required: Record<string, readonly string[]>): void {
  const model = analyze(text);
  const byStage: Array<Map<string, string>> = [];
  for (const stage of model.stages) {
    // context file → container path, inherited from a parent stage
    const copied = new Map(stage.parent !== undefined ? byStage[stage.parent] : []);
    byStage[stage.index] = copied;
    for (const f of stage.instructions) {
      if (f.copy && f.copy.from === undefined && f.copy.destAbs) {
        for (const src of f.copy.sources) {
          const v = src.value.replace(/^\.\//, '').replace(/\/+$/, '');
          const dest = normalisePath(f.copy.destAbs);
          const many = f.copy.destAbs.endsWith('/') || f.copy.sources.length > 1;
          for (const file of files) {
            if (src.kind === 'context') copied.set(file, `${dest}/${file}`);
            else if (file === v) copied.set(file, many ? `${dest}/${file.replace(/^.*\//, '')}` : dest);
            else if (file.startsWith(v + '/')) copied.set(file, `${dest}/${file.slice(v.length + 1)}`);
            else if (/[*?]/.test(v) && new RegExp('^' + v.replace(/\./g, '\\.').replace(/\*/g, '[^/]*') + '$').test(file)) copied.set(file, `${dest}/${file}`);
          }
        }
      }
      if (!f.run) continue;
      const runText = f.node.toString();
      for (const [marker, inputs] of Object.entries(required)) {
        if (!runText.includes(marker)) continue;
        for (const input of inputs) {
          const at = copied.get(input);
          assert.ok(at !== undefined && covers(f.workdir, at), `\`${marker}\` on line ${f.range.start.line + 1} runs without ${input}:\n${text}`);
        }
      }
    }
  }
}

/** A case: its context, the finding expected, and whether a fix may be offered. */
function check(text: string, ws: WorkspaceFacts, expect: { lines: number[]; fix: boolean; why?: RegExp }): void {
  assert.deepStrictEqual(lines(text, RULE, ws), expect.lines, text);
  for (const f of findings(text, RULE, ws)) {
    assert.strictEqual((f.fixes ?? []).length > 0, expect.fix, `${f.message}\n${text}`);
    if (!expect.fix && expect.why) assert.match(f.message, expect.why);
  }
  // Fix All never includes a reorder the rule did not prove
  if (!expect.fix) {
    const out = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, ws);
    assert.ok(!out.applied.some(a => a.rule === RULE), JSON.stringify(out.applied));
  }
}

const NODE_APP = (extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' }, ...extra });
const NPM = df`
  FROM node:20
  WORKDIR /app
  COPY . .
  RUN npm ci
  CMD ["node", "index.js"]
`;
const PNPM = NPM.replace('npm ci', 'pnpm install --frozen-lockfile');
const YARN = NPM.replace('npm ci', 'yarn install --immutable');

describe('accuracy: copy-before-install keeps every install input above its install', () => {
  describe('node', () => {
    it('catches: a plain npm project gets the fix, and the fix keeps package.json and the lockfile above `npm ci`', () => {
      const files = { 'package.json': NODE_APP(), 'package-lock.json': '{"lockfileVersion":3}', 'index.js': '' };
      const ws = contextOnDisk(files);
      check(NPM, ws, { lines: [3], fix: true });
      const out = fixAllChecked(NPM, RULE, ws);
      assertInputsAbove(out, Object.keys(files), { 'npm ci': ['package.json', 'package-lock.json'] });
    });

    it('catches not a fix: pnpm patchedDependencies in patches/ (the COPY provides them)', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP({ pnpm: { patchedDependencies: { 'left-pad@1.3.0': 'patches/left-pad@1.3.0.patch' } } }), 'pnpm-lock.yaml': 'lockfileVersion: 9.0\n', 'patches/left-pad@1.3.0.patch': '', 'index.js': '' });
      check(PNPM, ws, { lines: [3], fix: false, why: /No automatic fix: the install reads patches/ });
    });

    it('catches not a fix: Yarn patches under .yarn/patches and the patch: protocol', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP({ resolutions: { 'left-pad': 'patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch' } }), 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\n', '.yarn/patches/left-pad.patch': '', 'index.js': '' });
      check(YARN, ws, { lines: [3], fix: false, why: /\.yarn/ });
    });

    it('catches not a fix: patch-package in postinstall, and any install script naming a file', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP({ scripts: { postinstall: 'patch-package' } }), 'package-lock.json': '{}', 'patches/left-pad+1.3.0.patch': '', 'index.js': '' });
      check(NPM, ws, { lines: [3], fix: false, why: /postinstall|patches/ });
      const script = contextOnDisk({ 'package.json': NODE_APP({ scripts: { prepare: 'node scripts/prepare.js' } }), 'package-lock.json': '{}', 'scripts/prepare.js': '', 'index.js': '' });
      check(NPM, script, { lines: [3], fix: false, why: /`prepare` script/ });
    });

    it('catches: the same scripts are harmless under --ignore-scripts, and the fix is offered', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP({ scripts: { prepare: 'node scripts/prepare.js' } }), 'package-lock.json': '{}', 'scripts/prepare.js': '', 'index.js': '' });
      check(NPM.replace('npm ci', 'npm ci --ignore-scripts'), ws, { lines: [3], fix: true });
    });

    it('catches not a fix: npm/yarn workspaces and pnpm-workspace.yaml packages', () => {
      const npmWs = contextOnDisk({ 'package.json': NODE_APP({ workspaces: ['packages/*'] }), 'package-lock.json': '{}', 'packages/a/package.json': '{"name":"a"}', 'index.js': '' });
      check(NPM, npmWs, { lines: [3], fix: false, why: /packages \(a workspace package folder\)/ });
      const pnpmWs = contextOnDisk({ 'package.json': NODE_APP(), 'pnpm-lock.yaml': '', 'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n', 'apps/web/package.json': '{}' });
      check(PNPM, pnpmWs, { lines: [3], fix: false, why: /apps/ });
    });

    it('catches: .npmrc and .yarnrc.yml travel with the manifests in the narrow COPY', () => {
      const files = { 'package.json': NODE_APP(), 'package-lock.json': '{}', '.npmrc': 'registry=https://r.example/\n', 'index.js': '' };
      const ws = contextOnDisk(files);
      const out = applyFirstFix(NPM, RULE, ws);
      assert.match(out, /^COPY package\.json package-lock\.json \.npmrc \.\/$/m);
      assertInputsAbove(out, Object.keys(files), { 'npm ci': ['package.json', 'package-lock.json', '.npmrc'] });
    });

    it('catches not a fix: a `file:` tarball dependency, named in package.json or only in the lockfile', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP({ dependencies: { 'tiny-money': 'file:vendor/tiny-money-1.0.0.tgz' } }), 'package-lock.json': '{}', 'vendor/tiny-money-1.0.0.tgz': 'x', 'index.js': '' });
      check(NPM, ws, { lines: [3], fix: false, why: /vendor\/tiny-money-1\.0\.0\.tgz/ });
      const lockOnly = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{\n  "packages": {\n    "node_modules/tiny-money": {\n      "resolved": "file:vendor/tiny-money-1.0.0.tgz"\n    }\n  }\n}\n', 'vendor/tiny-money-1.0.0.tgz': 'x' });
      check(NPM, lockOnly, { lines: [3], fix: false, why: /vendor\/tiny-money/ });
      const yarnLink = contextOnDisk({ 'package.json': NODE_APP({ dependencies: { shared: 'link:./libs/shared' } }), 'yarn.lock': '', 'libs/shared/package.json': '{}' });
      check(YARN, yarnLink, { lines: [3], fix: false, why: /libs\/shared/ });
    });

    it('catches not: `COPY vendor ./vendor` above `npm ci` is the tarball the install needs; Fix All keeps it in the deps stage', () => {
      const files = { 'package.json': NODE_APP({ dependencies: { 'tiny-money': 'file:vendor/tiny-money-1.0.0.tgz' } }), 'package-lock.json': '{}', 'vendor/tiny-money-1.0.0.tgz': 'x', 'src/index.js': '' };
      const ws = contextOnDisk(files);
      const text = df`
        FROM node:20 AS deps
        WORKDIR /app
        COPY package.json package-lock.json ./
        COPY vendor ./vendor
        RUN npm ci
        FROM node:20
        WORKDIR /app
        COPY --from=deps /app/node_modules ./node_modules
        COPY . .
        CMD ["node", "src/index.js"]
      `;
      assert.deepStrictEqual(lines(text, RULE, ws), []);
      const out = fixAll(DOCKERFILE, text, DEFAULT_SETTINGS, ws).text;
      assertInputsAbove(out, Object.keys(files), { 'npm ci': ['package.json', 'package-lock.json', 'vendor/tiny-money-1.0.0.tgz'] });
      // with the source copied first, the finding stays but nothing strands the tarball
      const broad = text.replace('COPY vendor ./vendor', 'COPY . .');
      check(broad, ws, { lines: [4], fix: false, why: /tiny-money/ });
    });

    it('catches not a fix: `cd web && npm ci`, and `npm ci --prefix web`, run in a folder the COPY creates', () => {
      const ws = contextOnDisk({ 'web/package.json': NODE_APP(), 'web/package-lock.json': '{}', 'package.json': NODE_APP() });
      check(NPM.replace('RUN npm ci', 'RUN cd web && npm ci'), ws, { lines: [3], fix: false, why: /cd web/ });
      check(NPM.replace('RUN npm ci', 'RUN npm ci --prefix web'), ws, { lines: [3], fix: false, why: /web/ });
    });

    it('catches not a fix: a build, script or exec in the install RUN (`npm run build`, `yarn build`, `bundle exec`, `composer dump-autoload`)', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{}', 'yarn.lock': '', Gemfile: 'gem "rack"\n', 'Gemfile.lock': '', 'composer.json': '{}', 'composer.lock': '', 'src/index.ts': '' });
      for (const run of ['npm ci && npm run build', 'yarn install --frozen-lockfile && yarn build', 'npm ci && npx tsc', 'bundle install && bundle exec rake assets:precompile', 'composer install && composer dump-autoload -o']) {
        check(`FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ${run}\n`, ws, { lines: [3], fix: false, why: /may need the copied files/ });
      }
    });

    it('catches: configuring the tool in the install RUN (`corepack enable`, `npm config set`) keeps the fix', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{}', 'yarn.lock': '' });
      for (const run of ['corepack enable && yarn install --immutable', 'npm config set fund false && npm ci', 'npm -v && npm ci']) {
        check(`FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ${run}\n`, ws, { lines: [3], fix: true });
      }
    });

    it('names the dependency install, not the `apk add` that comes first', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{}' });
      const text = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache git\nRUN npm ci\n';
      assert.match(findings(text, RULE, ws)[0].message, /before `npm ci` \(line 5\)/);
      const out = fixAllChecked(text, RULE, ws);
      assertInputsAbove(out, ['package.json', 'package-lock.json'], { 'npm ci': ['package.json', 'package-lock.json'] });
    });
  });

  describe('python', () => {
    const PIP = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n';

    it('catches: plain requirements get the fix and keep requirements.txt above the install', () => {
      const files = { 'requirements.txt': 'flask\n', 'app.py': '' };
      const ws = contextOnDisk(files);
      const out = fixAllChecked(PIP, RULE, ws);
      assertInputsAbove(out, Object.keys(files), { 'pip install': ['requirements.txt'] });
    });

    it('catches: `-r ./requirements.txt` written with ./ is a manifest, not an input', () => {
      const ws = contextOnDisk({ 'requirements.txt': 'flask\n', 'app.py': '' });
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r ./requirements.txt\n', ws, { lines: [3], fix: true });
    });

    it('catches: a COPY naming the requirements file next to the source keeps it in the narrow COPY', () => {
      const files = { 'requirements.txt': 'flask\n', 'src/app.py': '' };
      const ws = contextOnDisk(files);
      const text = 'FROM python:3.12\nCOPY requirements.txt src/ /app/\nRUN pip install -r /app/requirements.txt\n';
      const out = fixAllChecked(text, RULE, ws);
      assertInputsAbove(out, Object.keys(files), { 'pip install': ['requirements.txt'] });
    });

    it('catches not a fix: `-e ./lib`, a nested `-r base.txt`, a local wheel, `name @ file:`', () => {
      for (const [req, extra] of [['-e ./libs/core\n', { 'libs/core/pyproject.toml': '' }], ['-r base.txt\n', { 'base.txt': 'flask\n' }], ['./wheels/x-1.0-py3-none-any.whl\n', { 'wheels/x-1.0-py3-none-any.whl': '' }], ['x @ file:///app/libs/x\n', { 'libs/x/setup.py': '' }]] as const) {
        const ws = contextOnDisk({ 'requirements.txt': req, ...extra, 'app.py': '' });
        const expectFix = req.startsWith('x @ file:///');
        // an absolute file:// URL points into the image, not the context: only the relative ones are inputs
        check(PIP, ws, { lines: [3], fix: expectFix, why: /No automatic fix/ });
      }
    });

    it('catches not a fix: `--find-links ./wheels` and a pip.conf the image may use', () => {
      const ws = contextOnDisk({ 'requirements.txt': 'x\n', 'wheels/x-1.0-py3-none-any.whl': '', 'app.py': '' });
      check(PIP.replace('pip install', 'pip install --find-links ./wheels'), ws, { lines: [3], fix: false, why: /wheels/ });
      const conf = contextOnDisk({ 'requirements.txt': 'x\n', 'config/pip.conf': '[global]\n', 'app.py': '' });
      check('FROM python:3.12\nWORKDIR /app\nENV PIP_CONFIG_FILE=/app/config/pip.conf\nCOPY . .\nRUN pip install -r requirements.txt\n', conf, { lines: [4], fix: false, why: /pip\.conf/ });
    });

    it('catches not a fix: poetry and uv path dependencies', () => {
      const poetry = contextOnDisk({ 'pyproject.toml': '[tool.poetry.dependencies]\ncore = { path = "libs/core", develop = true }\n', 'poetry.lock': '', 'libs/core/pyproject.toml': '' });
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --no-root\n', poetry, { lines: [3], fix: false, why: /libs\/core/ });
      const uv = contextOnDisk({ 'pyproject.toml': '[project]\nname="a"\n', 'uv.lock': '[[package]]\nname = "core"\nsource = { editable = "packages/core" }\n', 'packages/core/pyproject.toml': '' });
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen --no-install-project\n', uv, { lines: [3], fix: false, why: /packages\/core/ });
    });

    it('catches: a plain uv project gets the fix with pyproject.toml and uv.lock above the install', () => {
      const files = { 'pyproject.toml': '[project]\nname="a"\n', 'uv.lock': 'version = 1\n', 'src/a/__init__.py': '' };
      const ws = contextOnDisk(files);
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen --no-install-project\n';
      const out = fixAllChecked(text, RULE, ws);
      assertInputsAbove(out, Object.keys(files), { 'uv sync': ['pyproject.toml', 'uv.lock'] });
    });

    it('catches not a fix: a download into a folder the COPY creates (`wget -O models/x`)', () => {
      const ws = contextOnDisk({ 'requirements.txt': 'x\n', 'models/README': '' });
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN wget -O models/m.bin https://example.com/m.bin && pip install -r requirements.txt\n', ws, { lines: [3], fix: false, why: /models/ });
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN wget -O /tmp/m.bin https://example.com/m.bin && pip install -r requirements.txt\n', ws, { lines: [3], fix: true });
    });
  });

  describe('other ecosystems', () => {
    it('catches not a fix: go.mod `replace => ./x`; catches: a plain module', () => {
      const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\n';
      check(text, contextOnDisk({ 'go.mod': 'module a\nreplace example.com/x => ./third_party/x\n', 'go.sum': '', 'third_party/x/go.mod': '' }), { lines: [3], fix: false, why: /third_party\/x/ });
      const files = { 'go.mod': 'module a\n', 'go.sum': '', 'main.go': '' };
      const out = fixAllChecked(text, RULE, contextOnDisk(files));
      assertInputsAbove(out, Object.keys(files), { 'go mod download': ['go.mod', 'go.sum'] });
    });

    it('catches not a fix: Cargo path crates and the targets `cargo fetch` needs', () => {
      const text = 'FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo fetch\n';
      check(text, contextOnDisk({ 'Cargo.toml': '[package]\nname="a"\n[dependencies]\ncore = { path = "crates/core" }\n', 'Cargo.lock': '', 'crates/core/Cargo.toml': '', 'src/main.rs': '' }), { lines: [3], fix: false, why: /crates\/core|src/ });
      check(text, contextOnDisk({ 'Cargo.toml': '[package]\nname="a"\n', 'Cargo.lock': '', 'src/main.rs': '' }), { lines: [3], fix: false, why: /src/ });
    });

    it('catches not a fix: bundler vendor/cache and path gems; catches: a plain Gemfile', () => {
      const text = 'FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n';
      check(text, contextOnDisk({ Gemfile: 'source "https://rubygems.org"\ngem "rack"\n', 'Gemfile.lock': '', 'vendor/cache/rack-3.0.gem': '' }), { lines: [3], fix: false, why: /vendor\/cache/ });
      check(text, contextOnDisk({ Gemfile: 'gem "core", path: "engines/core"\n', 'Gemfile.lock': '', 'engines/core/core.gemspec': '' }), { lines: [3], fix: false, why: /engines\/core/ });
      check(text, contextOnDisk({ Gemfile: 'source "https://rubygems.org"\ngem "rack"\n', 'Gemfile.lock': '', 'app.rb': '' }), { lines: [3], fix: true });
    });

    it('catches not a fix: Maven modules and a copied ./mvnw', () => {
      const ws = contextOnDisk({ 'pom.xml': '<project><modules><module>core</module></modules></project>', 'core/pom.xml': '', 'mvnw': '', '.mvn/wrapper/maven-wrapper.properties': '' });
      check('FROM maven:3\nWORKDIR /app\nCOPY . .\nRUN mvn dependency:go-offline\n', ws, { lines: [3], fix: false, why: /core|\.mvn/ });
      check('FROM maven:3\nWORKDIR /app\nCOPY . .\nRUN ./mvnw dependency:go-offline\n', ws, { lines: [3], fix: false });
    });

    it('without the build context on disk: the finding, and no fix, saying why', () => {
      check('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n', {}, { lines: [3], fix: false, why: /build context could not be read/ });
    });
  });

  describe('dependencies-first patterns are not flagged', () => {
    const none = (text: string, ws: WorkspaceFacts = {}) => assert.deepStrictEqual(lines(text, RULE, ws), [], text);

    it('cargo-chef (prepare and cook) and the dummy main.rs trick; twin: cargo build after COPY . . is flagged', () => {
      none(df`
        FROM rust:1 AS chef
        RUN cargo install cargo-chef
        WORKDIR /app
        FROM chef AS planner
        COPY . .
        RUN cargo chef prepare --recipe-path recipe.json
        FROM chef AS builder
        COPY --from=planner /app/recipe.json recipe.json
        RUN cargo chef cook --release --recipe-path recipe.json
        COPY . .
        RUN cargo build --release
      `);
      none(df`
        FROM rust:1
        WORKDIR /app
        COPY Cargo.toml Cargo.lock ./
        RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo build --release && rm -rf src
        COPY src ./src
        RUN touch src/main.rs && cargo build --release
      `);
      assert.deepStrictEqual(lines('FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n', RULE), [3]);
    });

    it('mvn dependency:go-offline / dependency:resolve with flags and $VARS; twin: mvn package alone is flagged', () => {
      none('FROM maven:3\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn -B -q $MAVEN_OPTS dependency:go-offline -DskipTests\nCOPY src ./src\nRUN mvn -B package -DskipTests\n');
      none('FROM maven:3\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn ${MVN_FLAGS} -s /settings.xml dependency:resolve dependency:resolve-plugins\nCOPY src ./src\nRUN mvn -o package\n');
      assert.deepStrictEqual(lines('FROM maven:3\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n', RULE), [3]);
    });

    it('gradle dependencies, then an --offline build', () => {
      none('FROM gradle:8\nWORKDIR /app\nCOPY build.gradle settings.gradle ./\nRUN gradle dependencies --no-daemon\nCOPY src ./src\nRUN gradle build --offline --no-daemon\n');
    });

    it('vendored Go (-mod=vendor, GOFLAGS, a vendor/ copy, vendor/modules.txt) and go mod download first; twin: go build alone is flagged', () => {
      none('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -mod=vendor -o /app .\n');
      none('FROM golang:1.22\nWORKDIR /src\nENV GOFLAGS=-mod=vendor\nCOPY . .\nRUN go build -o /app .\n');
      none('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', contextOnDisk({ 'go.mod': 'module a\n', 'vendor/modules.txt': '', 'main.go': '' }));
      none('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n');
      const f = findings('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', RULE);
      assert.strictEqual(f.length, 1);
      // a module with no requirements downloads nothing; with one, it is flagged
      none('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', contextOnDisk({ 'go.mod': 'module a\n\ngo 1.22\n', 'main.go': '' }));
      assert.deepStrictEqual(lines('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', RULE, contextOnDisk({ 'go.mod': 'module a\nrequire example.com/x v1.0.0\n', 'go.sum': '', 'main.go': '' })), [3]);
    });

    it('a build whose downloads come from a cache mount; twin: the same build without the mount is flagged', () => {
      none('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n');
      none('FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release\n');
      assert.deepStrictEqual(lines('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/tmp/x go build -o /app .\n', RULE), [3]);
    });

    it('dotnet restore, then publish --no-restore', () => {
      none('FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY *.csproj ./\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release --no-restore -o /out\n');
    });

    it('pnpm fetch, then an offline install; twin: a networked pnpm install after COPY . . is flagged', () => {
      none('FROM node:20\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install --offline --frozen-lockfile\n');
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nCOPY . .\nRUN pnpm install --frozen-lockfile\n', RULE), [4]);
    });

    it('poetry install --no-root, uv sync --no-install-project, pip -r then --no-deps -e .', () => {
      none('FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\nCOPY . .\nRUN poetry install --only-root\n');
      none('FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-install-project\nCOPY . .\nRUN uv sync --frozen\n');
      none('FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps -e .\n');
    });

    it('pip install --no-index --find-links from local wheels, and a wheel folder copied above the install', () => {
      none('FROM python:3.12\nCOPY wheels /wheels\nRUN pip install --no-index --find-links /wheels myapp\n');
      none('FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY wheels/ ./wheels/\nRUN pip install --find-links=./wheels -r requirements.txt\nCOPY . .\n');
    });

    it('a folder of requirements files, and prisma/ for a postinstall `prisma generate`; twins: source folders are flagged', () => {
      none('FROM python:3.12\nCOPY ./requirements /requirements\nRUN pip install -r /requirements/production.txt\nCOPY . /app\n');
      const reqs = contextOnDisk({ 'reqs-py/base.txt': 'flask\n', 'reqs-py/prod.txt': '-r base.txt\n', 'app.py': '' });
      none('FROM python:3.12\nCOPY reqs-py/ /reqs/\nRUN pip install -r /reqs/prod.txt\nCOPY . /app\n', reqs);
      const prisma = contextOnDisk({ 'package.json': NODE_APP({ scripts: { postinstall: 'prisma generate' } }), 'package-lock.json': '{}', 'prisma/schema.prisma': '', 'src/index.ts': '' });
      none('FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY prisma ./prisma\nRUN npm ci\nCOPY . .\n', prisma);
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY src ./src\nRUN npm ci\n', RULE, prisma), [4]);
      const web = contextOnDisk({ 'web/package.json': NODE_APP(), 'web/package-lock.json': '{}', 'web/index.js': '' });
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY web/ ./\nRUN npm ci\n', RULE, web), [3]);
    });

    it('install inputs copied on their own above the install: patches/, .yarn/', () => {
      none('FROM node:20\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nCOPY patches ./patches\nRUN pnpm install --frozen-lockfile\nCOPY . .\nRUN pnpm build\n');
      none('FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock .yarnrc.yml ./\nCOPY .yarn ./.yarn\nRUN yarn install --immutable\nCOPY . .\n');
    });
  });

  describe('stages built on the copying stage', () => {
    it('catches: `COPY . .` in a base stage busts the dependency install of a stage built on it (no fix across stages)', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{}', 'index.js': '' });
      const text = 'FROM node:20 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS deps\nRUN npm ci\n';
      check(text, ws, { lines: [3], fix: false, why: /the install is in stage `deps` \(line 4\), which builds on this one/ });
      // a RUN of the base stage that needs the source does not hide why: the install is in the other stage
      const blocked = 'FROM python:3.12 AS lean\nWORKDIR /app\nCOPY . .\nRUN pip install -e .\nFROM lean AS dev\nRUN pip install -r requirements/dev.txt\n';
      check(blocked, ws, { lines: [3], fix: false, why: /the install is in stage `dev` \(line 5\), which builds on this one/ });
      // catches not: the stage built on it copies the install's manifests itself, deps-first there
      const own = 'FROM python:3.12 AS lean\nWORKDIR /app\nCOPY . .\nFROM lean AS dev\nCOPY requirements/dev.txt requirements/\nRUN pip install -r requirements/dev.txt\n';
      assert.deepStrictEqual(lines(own, RULE, ws), []);
      assert.deepStrictEqual(lines(own.replace('COPY requirements/dev.txt requirements/\n', ''), RULE, ws), [3]);
      assert.match(findings(text, RULE, ws)[0].message, /before `npm ci` \(line 5\)/);
    });

    it('catches not: a stage that does not build on it, an install after the child stage\'s own COPY, an OS package or a named tool', () => {
      const ws = contextOnDisk({ 'package.json': NODE_APP(), 'package-lock.json': '{}', 'index.js': '' });
      assert.deepStrictEqual(lines('FROM node:20 AS base\nWORKDIR /app\nCOPY . .\nFROM node:20 AS deps\nRUN npm ci\n', RULE, ws), []);
      assert.deepStrictEqual(lines('FROM node:20 AS base\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nFROM base AS test\nRUN npm ci\n', RULE, ws), []);
      assert.deepStrictEqual(lines('FROM node:20 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS t\nRUN apt-get update && apt-get install -y curl && npm install -g pm2\n', RULE, ws), []);
      assert.deepStrictEqual(lines('FROM node:20 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS t\nCOPY src ./src\nRUN npm ci\n', RULE, ws), [5]);
    });
  });

  describe('messages claim only what applies', () => {
    it('a one-file copy above a build does not "need the whole source"', () => {
      const f = findings('FROM golang:1.22\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /app main.go\n', RULE)[0];
      assert.match(f.message, /builds from the copied file/);
      assert.doesNotMatch(f.message, /whole source/);
    });

    it('a source-only install between the COPY and a deps install blocks the move (it needs the copied files)', () => {
      const ws = contextOnDisk({ 'requirements.txt': 'x\n', 'package.json': NODE_APP(), 'package-lock.json': '{}', 'setup.py': '' });
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\nRUN npm ci\n';
      check(text, ws, { lines: [3], fix: false, why: /pip install \./ });
    });
  });
});

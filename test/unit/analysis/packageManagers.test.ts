import * as assert from 'assert';
import { analyze } from '../../../common/analysis/analyze';
import * as fs from 'fs';
import * as path from 'path';
import { fetchesPackages, TOOLS, type PackageInvocation } from '../../../common/analysis/packageManagers';

/** The invocations recognised in a one-RUN Dockerfile. */
const invocations = (script: string): readonly PackageInvocation[] => analyze(`FROM x\nRUN ${script}\n`).instructions.find(i => i.run)!.run!.invocations;
const one = (script: string) => {
  const invs = invocations(script);
  assert.strictEqual(invs.length, 1, `${script}: ${invs.map(i => i.manager).join(', ')}`);
  return invs[0];
};

describe('package-manager recognition', () => {
  describe('catches: the installs people really write', () => {
    const cases: Array<[string, string, PackageInvocation['action']]> = [
      ['yarn', 'yarn', 'install'],
      ['yarn --frozen-lockfile', 'yarn', 'install'],
      ['yarn --network-timeout 600000', 'yarn', 'install'],
      ['yarn --network-timeout 600000 install --frozen-lockfile', 'yarn', 'install'],
      ['yarn add left-pad', 'yarn', 'install'],
      ['yarn workspaces focus --production', 'yarn', 'install'],
      ['pnpm dlx create-thing', 'pnpm', 'install'],
      ['pnpm add -g pkg', 'pnpm', 'install'],
      ['go get github.com/x/y@v1.2.3', 'go', 'install'],
      ['go mod tidy', 'go', 'install'],
      ['go mod vendor', 'go', 'install'],
      ['go -C cmd build ./...', 'go', 'build'],
      ['pipx install poetry', 'pip', 'install'],
      ['$VENV/bin/pip install x', 'pip', 'install'],
      ['"${VIRTUAL_ENV}/bin/pip3" install x', 'pip', 'install'],
      ['/opt/venv/bin/pip3.12 install x', 'pip', 'install'],
      ['python -m pip install x', 'pip', 'install'],
      ['python3 -m pip install x', 'pip', 'install'],
      ['python3.11 -m pip install x', 'pip', 'install'],
      ['$VENV/bin/python -m pip install x', 'pip', 'install'],
      ['pip --no-cache-dir install x', 'pip', 'install'],
      ['gem update --system', 'gem', 'install'],
      ['mix deps.get --only prod', 'mix', 'install'],
      ['lein deps', 'lein', 'install'],
      ['lein uberjar', 'lein', 'build'],
      ['bun install --frozen-lockfile', 'bun', 'install'],
      ['sbt update', 'sbt', 'install'],
      ['sbt clean assembly', 'sbt', 'build'],
      ['dnf install -y gcc', 'dnf', 'install'],
      ['yum -y install gcc', 'dnf', 'install'],
      ['dnf group install -y "Development Tools"', 'dnf', 'install'],
      ['dotnet tool install -g dotnet-ef', 'nuget', 'install'],
      ['dotnet tool restore', 'nuget', 'install'],
      ['mix do deps.get, compile', 'mix', 'install'],
      ['mix do deps.get + compile', 'mix', 'install'],
      ['php composer.phar install --no-dev', 'composer', 'install'],
      ['php /usr/local/bin/composer install', 'composer', 'install'],
      ['cargo chef cook --release --recipe-path recipe.json', 'cargo', 'install'],
      ['pip install dist/*.whl', 'pip', 'install'],
    ];
    for (const [script, manager, action] of cases) {
      it(script, () => {
        const inv = one(script);
        assert.strictEqual(inv.manager, manager);
        assert.strictEqual(inv.action, action);
        assert.ok(fetchesPackages(inv), 'downloads');
      });
    }

    it("pip's abbreviations of --no-cache-dir count as no-cache flags", () => {
      for (const flag of ['--no-cache-dir', '--no-cache', '--no-cach', '--no-ca']) {
        assert.deepStrictEqual(one(`pip install ${flag} x`).noCacheWords.map(w => w.text), [flag], flag);
      }
    });

    it('a cache directory given on the command line, known or not', () => {
      assert.strictEqual(one('pip install --cache-dir /pc x').cacheDirOption, '/pc');
      assert.strictEqual(one('yarn install --cache-folder=/yc').cacheDirOption, '/yc');
      assert.strictEqual(one('npm ci --cache /nc').cacheDirOption, '/nc');
      assert.strictEqual(one('pip install --cache-dir "$DIR" x').cacheDirOption, null);
    });

    it('local package files and option values: a project install, or not', () => {
      assert.ok(one('pip install dist/*.whl').needsSource, 'a wheel path is local');
      assert.ok(one('pip install pkgs/app-1.0.tar.gz').needsSource);
      assert.ok(!one('pip install "app @ https://x.test/app.whl"').needsSource, 'a direct URL reference is not local');
      assert.ok(!one('pip install flask requests').needsSource);
      assert.ok(!one('npm install --prefix ./assets').needsSource, "--prefix's value is not a package");
      assert.deepStrictEqual(one('npm install --prefix ./assets').manifests, ['./assets/package.json']);
      assert.deepStrictEqual(one('npm ci --prefix=web/').manifests, ['web/package.json']);
      assert.ok(one('npm install ./local-pkg').needsSource);
      assert.deepStrictEqual(one('cargo chef cook --recipe-path recipe.json').manifests, ['recipe.json']);
    });

    it('an earlier unrelated install in the same RUN does not hide a later one', () => {
      assert.deepStrictEqual(invocations('apt-get install -y python3-pip && $VENV/bin/pip install x && yarn --frozen-lockfile').map(i => i.manager), ['apt', 'pip', 'yarn']);
    });
  });

  describe('catches not', () => {
    it('commands that only look like installs', () => {
      for (const script of ['cargo chef prepare --recipe-path recipe.json', 'mix do compile, release', 'php artisan migrate', 'dotnet tool list -g', 'yarn build', 'yarn run test', 'pnpm run build', 'go version', 'go mod init x', 'mix compile', 'mix local.hex --force', 'bun run build', 'sbt', 'lein', 'python -m venv /v', '$PIP_CMD install x', 'gem list', 'dnf makecache', 'yum clean all', 'dnf list installed']) {
        assert.deepStrictEqual(invocations(script).filter(fetchesPackages).map(i => i.manager), [], script);
      }
    });

    it('--no-c is ambiguous for pip (--no-color, --no-compile, --no-clean): not a no-cache flag', () => {
      assert.deepStrictEqual(one('pip install --no-c x').noCacheWords, []);
      assert.deepStrictEqual(one('pip install --no-compile x').noCacheWords, []);
    });

    it('installs that download nothing are recognised but marked offline', () => {
      const offline = [
        'pip install --no-index --find-links /wheels x',
        'pip install --no-index /wheels/*.whl',
        'uv pip install --offline x',
        'pnpm install --offline --frozen-lockfile',
        'yarn install --offline',
        'npm ci --offline',
        'gradle build --offline',
        './mvnw -o package',
        'go build -mod=vendor ./...',
        'go build -mod vendor -o /app .',
        'GOFLAGS=-mod=vendor go build ./...',
        'env GOPROXY=off go build ./...',
        'dotnet publish --no-restore -c Release',
        'dotnet build --no-restore',
        'cargo build --offline --release',
        'cargo build --frozen --release',
        'CARGO_NET_OFFLINE=true cargo build',
        'bundle install --local',
        'gem install --local ./x.gem',
        'conda install --offline x',
        'pip install /tmp/dist/*.whl --no-deps',
      ];
      for (const script of offline) {
        const inv = one(script);
        assert.ok(inv.offline, script);
        assert.ok(!fetchesPackages(inv), script);
      }
      assert.deepStrictEqual(one('pip install --no-index --no-cache-dir --find-links /w x').noCacheWords, [], 'no cache advice at all for local wheels');
    });

    it('--prefer-offline and a plain go build still download', () => {
      assert.ok(fetchesPackages(one('npm ci --prefer-offline')));
      assert.ok(fetchesPackages(one('go build ./...')));
      assert.ok(fetchesPackages(one('go mod vendor')));
      assert.ok(fetchesPackages(one('cargo build --locked')));
      // a wheel installed with its dependencies, and --no-deps on a source tree (which builds), still download
      assert.ok(fetchesPackages(one('pip install /tmp/dist/*.whl')));
      assert.ok(fetchesPackages(one('pip install --no-deps .')));
      assert.ok(fetchesPackages(one('pip install --no-deps flask')));
    });
  });

  it('turns away early only tools the recogniser has no case for (TOOLS lists every case of its switch)', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../../../common/analysis/packageManagers.ts'), 'utf8');
    const cases = source.split('\n').filter(l => /^\s*case .*tool\b/.test(l));
    const named = cases.flatMap(l => [...l.matchAll(/tool === '([^']+)'/g)].map(m => m[1]).concat([...l.matchAll(/\[([^\]]+)\]\.includes\(tool\)/g)].flatMap(m => m[1].split(',').map(x => x.trim().replace(/'/g, '')))));
    assert.ok(named.length > 20, `expected the switch's cases, found ${named.join(' ')}`);
    for (const tool of named) assert.ok(TOOLS.has(tool), `${tool} has a case but is not in TOOLS`);
    // the spellings matched by pattern still get through
    for (const script of ['pip3.12 install flask', 'python3 -m pip install flask', 'php composer.phar install']) assert.strictEqual(invocations(script).length, 1, script);
    assert.strictEqual(invocations('echo npm install && mkdir -p /x').length, 0);
  });
});

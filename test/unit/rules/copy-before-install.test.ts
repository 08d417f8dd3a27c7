import * as assert from 'assert';
import { contextOnDisk } from '../../support/contextOnDisk';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'copy-before-install';
/** Contexts on disk, read the way the server reads them (listing and install files). */
const PY = contextOnDisk({ 'requirements.txt': 'flask==3.0\n', 'app.py': 'print(1)\n', 'service/requirements.txt': 'requests\n', 'service/main.py': '' });
const NODE = contextOnDisk({ 'package.json': '{"name":"a","dependencies":{"left-pad":"1.3.0"}}', 'package-lock.json': '{"lockfileVersion":3}', 'index.js': '' });
const contextWith = (...files: string[]) => contextOnDisk(Object.fromEntries(files.map(f => [f, f.endsWith('.json') ? '{}' : ''])));

describe(RULE, () => {
  describe('catches', () => {
    it('COPY . . above pip install -r', () => {
      const text = df`
        FROM python:3.12
        WORKDIR /app
        COPY . .
        RUN pip install -r requirements.txt
        CMD ["python", "app.py"]
      `;
      assert.deepStrictEqual(lines(text, RULE), [3]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /requirements\.txt/);
      assert.strictEqual(f.related?.[0].range.start.line, 3, 'related info points at the install');
      assert.strictEqual(applyFirstFix(text, RULE, PY), df`
        FROM python:3.12
        WORKDIR /app
        COPY requirements.txt ./
        RUN pip install -r requirements.txt
        COPY . .
        CMD ["python", "app.py"]
      `);
      fixAllChecked(text, RULE, PY);
    });

    it('a source directory above npm ci, keeping --chown, with the lockfile from the context', () => {
      const text = df`
        FROM node:20
        WORKDIR /app
        COPY --chown=node:node . /app
        RUN npm ci
      `;
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.strictEqual(applyFirstFix(text, RULE, contextWith('package.json', 'package-lock.json', 'index.js')), df`
        FROM node:20
        WORKDIR /app
        COPY --chown=node:node package.json package-lock.json ./
        RUN npm ci
        COPY --chown=node:node . /app
      `);
    });

    it('npm with the context on disk copies package.json and the lockfile that exists', () => {
      const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n';
      assert.strictEqual(applyFirstFix(text, RULE, NODE), 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install\nCOPY . .\n');
    });

    it('a glob over code (*.py) and ADD of the context', () => {
      assert.deepStrictEqual(lines('FROM python:3\nCOPY *.py /app/\nRUN pip install flask\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM python:3\nADD . /app\nRUN pip install flask\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM golang:1.22\nWORKDIR /src\nCOPY src/ ./src/\nRUN go mod download\n', RULE), [3]);
    });

    it('an install in a heredoc and in JSON exec form', () => {
      const heredoc = df`
        FROM python:3.12
        WORKDIR /app
        COPY . .
        RUN <<EOF
        set -e
        pip install -r requirements.txt
        EOF
      `;
      assert.deepStrictEqual(lines(heredoc, RULE), [3]);
      fixAllChecked(heredoc, RULE, PY);
      const exec = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN ["pip", "install", "-r", "requirements.txt"]\n';
      assert.deepStrictEqual(lines(exec, RULE), [3]);
      assert.strictEqual(applyFirstFix(exec, RULE, PY), 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN ["pip", "install", "-r", "requirements.txt"]\nCOPY . .\n');
    });

    it('moves below several install RUNs, and across a WORKDIR by making the destination absolute', () => {
      const text = df`
        FROM python:3.12
        WORKDIR /app
        COPY . .
        WORKDIR /app/service
        RUN apt-get update && apt-get install -y gcc
        RUN pip install -r requirements.txt
        CMD ["python", "main.py"]
      `;
      // the narrow COPY lands under the new WORKDIR, directly above the install that reads it
      assert.strictEqual(applyFirstFix(text, RULE, PY), df`
        FROM python:3.12
        WORKDIR /app
        WORKDIR /app/service
        RUN apt-get update && apt-get install -y gcc
        COPY service/requirements.txt ./
        RUN pip install -r requirements.txt
        COPY . /app/
        CMD ["python", "main.py"]
      `);
      fixAllChecked(text, RULE, PY);
    });

    it('puts the narrow COPY directly above the first install that reads the manifests, so an OS install above it stays cached', () => {
      const text = df`
        FROM node:20
        WORKDIR /app
        COPY --chown=node:node . .
        RUN apt-get update && apt-get install -y tini
        USER node
        ENV NODE_ENV=production
        # dependencies
        RUN npm ci
        RUN npm run build
      `;
      assert.strictEqual(applyFirstFix(text, RULE, NODE), df`
        FROM node:20
        WORKDIR /app
        RUN apt-get update && apt-get install -y tini
        USER node
        ENV NODE_ENV=production
        COPY --chown=node:node package.json package-lock.json ./
        # dependencies
        RUN npm ci
        COPY --chown=node:node . .
        RUN npm run build
      `);
      fixAllChecked(text, RULE, NODE);
    });

    it('keeps the narrow COPY where the broad one was when moving it could change its meaning', () => {
      const keptAt = (text: string) => applyFirstFix(text, RULE, NODE).split('\n').findIndex(l => l.includes('package.json')) + 1;
      // a WORKDIR whose value the analysis does not know: the relative destination cannot be made absolute
      assert.strictEqual(keptAt('FROM node:20\nARG APP_DIR\nWORKDIR /app\nCOPY . .\nWORKDIR $APP_DIR\nRUN apt-get update && apt-get install -y tini\nRUN npm ci\n'), 4);
      // a VOLUME or another COPY between them
      assert.strictEqual(keptAt('FROM node:20\nWORKDIR /app\nCOPY . .\nVOLUME /data\nRUN apt-get update && apt-get install -y tini\nRUN npm ci\n'), 3);
      assert.strictEqual(keptAt('FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY --from=busybox /bin/busybox /usr/local/bin/\nRUN apt-get update && apt-get install -y tini\nRUN npm ci\n'), 3);
      // ONBUILD triggers are left where they are
      assert.strictEqual(keptAt('FROM node:20\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN apt-get update && apt-get install -y tini\nONBUILD RUN npm ci\n'), 3);
      // across nothing: the install follows the COPY directly
      assert.strictEqual(keptAt('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN apt-get update && apt-get install -y tini\n'), 3);
    });

    it('--chown=$APP_USER above a later `ARG APP_USER=…`: flagged, no fix (the copy would change owner)', () => {
      const text = 'FROM node:20\nWORKDIR /app\nCOPY --chown=$APP_USER . .\nARG APP_USER=node\nRUN apt-get update && apt-get install -y tini\nRUN npm ci\n';
      const f = findings(text, RULE, NODE);
      assert.strictEqual(f.length, 1);
      assert.deepStrictEqual(f[0].fixes, []);
      assert.match(f[0].message, /\$APP_USER in the COPY is set again/);
      // twin: the ARG above the COPY keeps its value, and the narrow COPY moves down with the same --chown
      const twin = 'FROM node:20\nARG APP_USER=node\nWORKDIR /app\nCOPY --chown=$APP_USER . .\nRUN apt-get update && apt-get install -y tini\nRUN npm ci\n';
      assert.strictEqual(applyFirstFix(twin, RULE, NODE),
        'FROM node:20\nARG APP_USER=node\nWORKDIR /app\nRUN apt-get update && apt-get install -y tini\nCOPY --chown=$APP_USER package.json package-lock.json ./\nRUN npm ci\nCOPY --chown=$APP_USER . .\n');
    });

    it('keeps CRLF line endings and comments attached to the COPY', () => {
      const text = 'FROM python:3.12\r\nWORKDIR /app\r\n# the code\r\nCOPY . .\r\nRUN pip install -r requirements.txt\r\n';
      assert.strictEqual(applyFirstFix(text, RULE, PY),
        'FROM python:3.12\r\nWORKDIR /app\r\nCOPY requirements.txt ./\r\nRUN pip install -r requirements.txt\r\n# the code\r\nCOPY . .\r\n');
    });

    it('works with `# escape=`` and line continuations', () => {
      const text = '# escape=`\nFROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install `\n    -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [4]);
      assert.strictEqual(applyFirstFix(text, RULE, PY), '# escape=`\nFROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install `\n    -r requirements.txt\nCOPY . .\n');
    });

    it('the copy comes last in the file without a final newline', () => {
      const text = 'FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt';
      assert.strictEqual(applyFirstFix(text, RULE, PY), 'FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCOPY . /app');
    });

    it('pip install . without a deps-only step: flagged with advice, no fix', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n';
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.match(f[0].message, /deps-only/);
      assert.deepStrictEqual(f[0].fixes, []);
    });

    it('a RUN between the COPY and the install that may need the files: flagged, no automatic fix', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN ./generate.sh\nRUN pip install -r requirements.txt\n';
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.deepStrictEqual(f[0].fixes, []);
      assert.match(f[0].message, /No automatic fix/);
    });
  });

  describe('more of the field', () => {
    it('ONBUILD: a broad ONBUILD COPY above an ONBUILD install is fixed within the triggers', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN pip install -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.strictEqual(applyFirstFix(text, RULE, PY), 'FROM python:3.12\nWORKDIR /app\nONBUILD COPY requirements.txt ./\nONBUILD RUN pip install -r requirements.txt\nONBUILD COPY . .\n');
      assert.deepStrictEqual(lines('FROM python:3.12\nONBUILD COPY . .\nRUN pip install flask\n', RULE), [], 'an ONBUILD COPY runs in child images, not before this RUN');
    });

    it('a bind-mounted manifest needs no narrow COPY', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN --mount=type=bind,source=requirements.txt,target=/app/requirements.txt pip install -r requirements.txt\n';
      assert.strictEqual(applyFirstFix(text, RULE, PY), 'FROM python:3.12\nWORKDIR /app\nRUN --mount=type=bind,source=requirements.txt,target=/app/requirements.txt pip install -r requirements.txt\nCOPY . .\n');
    });

    it('pip install . in a pyproject-only project suggests a deps-only step pip can do', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n';
      const f = findings(text, RULE, contextWith('pyproject.toml', 'src/app/__init__.py'));
      assert.match(f[0].message, /uv pip install -r pyproject\.toml/);
      const locked = findings(text, RULE, contextWith('pyproject.toml', 'uv.lock'));
      assert.match(locked[0].message, /uv sync --no-install-project/);
      assert.doesNotMatch(findings(text, RULE, contextWith('pyproject.toml', 'requirements.txt'))[0].message, /uv pip install -r pyproject/);
    });
  });

  describe('catches: the twins of the install-input exceptions', () => {
    it('a source folder above an OS package install, and a LICENSE-like file that is not one', () => {
      assert.deepStrictEqual(lines('FROM debian:12\nCOPY src /app/src\nRUN apt-get update && apt-get install -y cmake\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM debian:12\nCOPY licenses-tool /app/x\nRUN apt-get update && apt-get install -y cmake\n', RULE), [2]);
    });

    it('a tooling folder above a RUN that installs OS packages and Python packages: the pip install is busted', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY scripts ./scripts\nRUN apt-get update && apt-get install -y gcc && pip install -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.match(findings(text, RULE)[0].message, /pip install -r requirements\.txt/);
    });

    it('config/ above a non-Elixir install, bin/ above pip: not their inputs', () => {
      assert.deepStrictEqual(lines('FROM python:3.12\nWORKDIR /app\nCOPY config config\nRUN pip install flask\n', RULE), [3]);
      assert.deepStrictEqual(lines('FROM python:3.12\nWORKDIR /app\nCOPY bin bin\nRUN pip install flask\n', RULE), [3]);
    });

    it('a generic folder name inside a subfolder is not an input by convention', () => {
      assert.deepStrictEqual(lines('FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nCOPY frontend/dist ./static\nRUN pip install -r requirements.txt\n', RULE), [4]);
    });

    it('pnpm install without --prefer-offline after pnpm fetch resolves anew', () => {
      const text = 'FROM node:20\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install\n';
      assert.deepStrictEqual(lines(text, RULE), [5]);
    });

    it('a glob whose files the install does not name', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt plugin-* ./\nRUN pip install -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
    });

    it('a go build after a copied pkg/ folder without vendor/: the build downloads, a deps-only step helps', () => {
      assert.deepStrictEqual(lines('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY pkg pkg\nRUN go build ./pkg/...\n', RULE), [4]);
    });
  });

  describe('catches not', () => {
    it('single non-source files and tooling folders above an OS package install', () => {
      for (const src of ['NOTICE', 'LICENSE', 'AUTHORS', 'CHANGELOG', 'patches', './patches', 'scripts/', 'docs']) {
        assert.deepStrictEqual(lines(`FROM debian:12\nWORKDIR /app\nCOPY ${src} ./x\nRUN apt-get update && apt-get install -y cmake\n`, RULE), [], src);
      }
    });

    it('an install input above a RUN that also installs OS packages', () => {
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY patches ./patches\nRUN apt-get update && apt-get install -y git && npm install\n', RULE), []);
    });

    it('install inputs by convention: config/ for mix, bin/ and scripts/ of a node project (also in a subfolder)', () => {
      assert.deepStrictEqual(lines('FROM elixir:1.16\nWORKDIR /app\nCOPY mix.exs mix.lock ./\nCOPY config config\nRUN mix deps.get\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY ui/package.json ui/package-lock.json ./\nCOPY ui/bin/ ./bin/\nRUN npm ci\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY scripts ./scripts\nRUN npm install\n', RULE), []);
    });

    it('pnpm fetch, then the source, then pnpm install --prefer-offline (or --offline)', () => {
      for (const flag of ['--prefer-offline', '--offline', '-f --prefer-offline']) {
        const text = `FROM node:20\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install ${flag}\n`;
        assert.deepStrictEqual(lines(text, RULE), [], flag);
      }
    });

    it('the packages an install names, copied by a glob beside its requirements', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt plugin-* ./\nRUN pip install ./plugin-*.whl && pip install -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('a wheel built from the copied source and installed after a deps-only step, with a cache mount', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n' +
        'RUN --mount=type=cache,target=/root/.cache/pip python setup.py bdist_wheel && pip install dist/*.whl\n';
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('a go build with the vendor folder copied above it downloads nothing', () => {
      assert.deepStrictEqual(lines('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY vendor vendor\nCOPY pkg pkg\nRUN go build ./pkg/...\n', RULE), []);
    });

    it('manifests copied and installed before the broad COPY', () => {
      const text = df`
        FROM python:3.12
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY . .
        RUN pip install -r requirements.txt
      `;
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('COPY --from= another stage', () => {
      assert.deepStrictEqual(lines('FROM python:3 AS build\nFROM python:3\nCOPY --from=build /app /app\nRUN pip install flask\n', RULE), []);
    });

    it('pip install . after a deps-only step', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps .\n';
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('an install in a later stage that does not build on this one', () => {
      assert.deepStrictEqual(lines('FROM python:3 AS a\nCOPY . .\nFROM python:3\nRUN pip install flask\n', RULE), []);
    });

    it('COPY . . after the install', () => {
      assert.deepStrictEqual(lines('FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n', RULE), []);
    });

    it('manifest-only globs and single configuration files', () => {
      assert.deepStrictEqual(lines('FROM node:20\nCOPY package*.json ./\nRUN npm ci\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nCOPY nginx.conf /etc/nginx/\nRUN apt-get update && apt-get install -y nginx\n', RULE), []);
    });

    it('a suppression comment above the COPY, and a global one', () => {
      assert.deepStrictEqual(lines('FROM python:3\n# cache-advisor ignore=copy-before-install\nCOPY . .\nRUN pip install flask\n', RULE), []);
      assert.deepStrictEqual(lines('# cache-advisor global ignore=copy-before-install\nFROM python:3\nCOPY . .\nRUN pip install flask\n', RULE), []);
    });

    it('a COPY heredoc and ADD of a URL', () => {
      assert.deepStrictEqual(lines('FROM python:3\nCOPY <<EOF /app/x.py\nprint(1)\nEOF\nRUN pip install flask\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nADD https://example.com/a.tar.gz /tmp/\nRUN pip install flask\n', RULE), []);
    });
  });
});

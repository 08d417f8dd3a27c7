import * as assert from 'assert';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';
import { lint } from '../../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../../server/src/settings';

const RULE = 'missing-cache-mount';

describe(RULE, () => {
  describe('catches', () => {
    it('pip as root: mount on /root/.cache/pip', () => {
      const text = 'FROM python:3.12\nRUN pip install flask\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.strictEqual(findings(text, RULE)[0].severity, 'warning');
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n');
      fixAllChecked(text, RULE);
    });

    it('a non-root USER created with a known uid/gid: the user\'s home and uid=/gid=', () => {
      const text = df`
        FROM node:20
        RUN groupadd -g 1001 app && useradd -m -u 1001 -g app app
        USER app
        WORKDIR /home/app
        RUN npm ci
      `;
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM node:20
        RUN groupadd -g 1001 app && useradd -m -u 1001 -g app app
        USER app
        WORKDIR /home/app
        RUN --mount=type=cache,target=/home/app/.npm,uid=1001,gid=1001 npm ci
      `);
    });

    it('the node image\'s own user, and busybox adduser', () => {
      assert.strictEqual(applyFirstFix('FROM node:20\nUSER node\nRUN npm ci\n', RULE), 'FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 npm ci\n');
      assert.strictEqual(applyFirstFix('FROM python:3-alpine\nRUN adduser -D -u 2000 bob\nUSER bob\nRUN pip install x\n', RULE),
        'FROM python:3-alpine\nRUN adduser -D -u 2000 bob\nUSER bob\nRUN --mount=type=cache,target=/home/bob/.cache/pip,uid=2000 pip install x\n');
    });

    it('a non-root user whose uid is unknown: reported, no fix that would give an unwritable mount', () => {
      const f = findings('FROM python:3\nUSER appuser\nRUN pip install x\n', RULE);
      assert.strictEqual(f.length, 1);
      assert.deepStrictEqual(f[0].fixes, []);
      assert.match(f[0].message, /uid/);
    });

    it('honours PIP_CACHE_DIR, XDG_CACHE_HOME, npm_config_cache, GOCACHE and inline assignments', () => {
      assert.match(applyFirstFix('FROM python:3\nENV PIP_CACHE_DIR=/cache/pip\nRUN pip install x\n', RULE), /target=\/cache\/pip /);
      assert.match(applyFirstFix('FROM python:3\nENV XDG_CACHE_HOME=/xdg\nRUN pip install x\n', RULE), /target=\/xdg\/pip /);
      assert.match(applyFirstFix('FROM node:20\nENV npm_config_cache=/tmp/npm\nRUN npm ci\n', RULE), /target=\/tmp\/npm /);
      const go = applyFirstFix('FROM golang:1.22\nENV GOCACHE=/gocache\nRUN go build ./...\n', RULE);
      assert.match(go, /--mount=type=cache,target=\/go\/pkg\/mod --mount=type=cache,target=\/gocache go build/);
      assert.match(applyFirstFix('FROM python:3\nRUN PIP_CACHE_DIR=/pc pip install x\n', RULE), /target=\/pc /);
    });

    it('an ARG-provided directory is expanded', () => {
      assert.match(applyFirstFix('FROM python:3\nARG CACHE=/c\nENV PIP_CACHE_DIR=${CACHE}/pip\nRUN pip install x\n', RULE), /target=\/c\/pip /);
    });

    it('apt: information, sharing=locked, and docker-clean is neutralised', () => {
      const text = 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n';
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].severity, 'information');
      assert.strictEqual(applyFirstFix(text, RULE),
        'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked ' +
        'rm -f /etc/apt/apt.conf.d/docker-clean && echo \'Binary::apt::APT::Keep-Downloaded-Packages "true";\' > /etc/apt/apt.conf.d/keep-cache && ' +
        'apt-get update && apt-get install -y curl\n');
    });

    it('apk: drops --no-cache and links /etc/apk/cache', () => {
      assert.strictEqual(applyFirstFix('FROM alpine\nRUN apk add --no-cache curl\n', RULE),
        'FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk,sharing=locked ln -sf /var/cache/apk /etc/apk/cache && apk add curl\n');
    });

    it('every ecosystem of the target table', () => {
      const cases: Array<[string, RegExp]> = [
        ['FROM x\nRUN uv pip install -r r.txt\n', /target=\/root\/.cache\/uv /],
        ['FROM x\nRUN poetry install --no-root\n', /target=\/root\/.cache\/pypoetry /],
        ['FROM x\nRUN yarn install --frozen-lockfile\n', /target=\/usr\/local\/share\/.cache\/yarn /],
        ['FROM x\nRUN pnpm install\n', /target=\/root\/.local\/share\/pnpm\/store /],
        ['FROM x\nRUN go mod download\n', /target=\/go\/pkg\/mod /],
        ['FROM x\nRUN cargo fetch\n', /target=\/usr\/local\/cargo\/registry /],
        ['FROM x\nRUN mvn -B dependency:go-offline\n', /target=\/root\/.m2 /],
        ['FROM x\nRUN ./gradlew dependencies\n', /target=\/root\/.gradle /],
        ['FROM x\nRUN bundle install\n', /target=\/usr\/local\/bundle\/cache /],
        ['FROM x\nRUN composer install\n', /target=\/tmp\/cache /],
        ['FROM x\nRUN dotnet restore\n', /target=\/root\/.nuget\/packages /],
        ['FROM x\nRUN conda env create -f environment.yml\n', /target=\/opt\/conda\/pkgs /],
        ['FROM x\nENV COMPOSER_CACHE_DIR=/cc\nRUN composer install\n', /target=\/cc /],
        ['FROM x\nRUN python3 -m pip install x\n', /target=\/root\/.cache\/pip /],
      ];
      for (const [text, re] of cases) assert.match(applyFirstFix(text, RULE), re, text);
    });

    it('multi-stage: a stage built on another inherits its USER and ENV', () => {
      const text = 'FROM python:3 AS base\nENV PIP_CACHE_DIR=/pc\nFROM base\nRUN pip install x\n';
      assert.match(applyFirstFix(text, RULE), /target=\/pc /);
    });

    it('heredoc, JSON exec form, CRLF and `# escape=`', () => {
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN <<EOF\npip install x\nEOF\n', RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip <<EOF\npip install x\nEOF\n');
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN ["pip", "install", "x"]\n', RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip ["pip", "install", "x"]\n');
      assert.strictEqual(applyFirstFix('FROM python:3\r\nRUN pip install \\\r\n  x\r\n', RULE), 'FROM python:3\r\nRUN --mount=type=cache,target=/root/.cache/pip pip install \\\r\n  x\r\n');
      assert.deepStrictEqual(lines('# escape=`\nFROM python:3\nRUN echo a `\n  && pip install x\n', RULE), [4]);
    });

    it('one finding per package manager per RUN', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN pip install a && pip install b && npm ci\n', RULE), [2, 2]);
    });
  });

  describe('catches not', () => {
    it('a cache mount on the target or a parent directory, in any option order', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=target=/root/.cache,type=cache pip install flask\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,id=pip,dst=/root/.cache/pip,sharing=shared pip install flask\n', RULE), []);
    });

    it('a bind or tmpfs mount on the cache dir does not count, a cache mount elsewhere neither', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=tmpfs,target=/root/.cache/pip pip install flask\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/tmp pip install flask\n', RULE), [2]);
    });

    it('commands that do not download', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN pip --version && pip freeze && npm run build && echo "pip install x"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN python -c "import pip"\n', RULE), []);
    });

    it('switched off by settings or a suppression comment', () => {
      const text = 'FROM python:3\nRUN pip install flask\n';
      assert.deepStrictEqual(lint(text, { ...DEFAULT_SETTINGS, rules: { [RULE]: 'off' } }).findings.filter(f => f.rule === RULE), []);
      assert.strictEqual(lint(text, { ...DEFAULT_SETTINGS, rules: { [RULE]: 'error' } }).findings.find(f => f.rule === RULE)?.severity, 'error');
      assert.deepStrictEqual(lines('FROM python:3\n# cache-advisor ignore=missing-cache-mount\nRUN pip install flask\n', RULE), []);
    });
  });
});

import * as assert from 'assert';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';
import { lint } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import { DEFAULT_SETTINGS } from '../../../common/settings';

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
        ['FROM x\nRUN mvn -B dependency:go-offline\n', /target=\/root\/.m2\/repository /],
        ['FROM x\nRUN ./gradlew dependencies\n', /target=\/root\/.gradle\/caches /],
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

    it('the installs people really write: yarn with flags only, $VENV/bin/pip, python3.x -m pip, bun, mix, sbt, lein, pnpm dlx, go get', () => {
      const cases: Array<[string, RegExp]> = [
        ['FROM node:20\nRUN yarn --network-timeout 600000\n', /target=\/usr\/local\/share\/.cache\/yarn yarn --network/],
        ['FROM node:20\nRUN yarn workspaces focus --production\n', /target=\/usr\/local\/share\/.cache\/yarn yarn workspaces/],
        ['FROM python:3\nRUN python3 -m venv /v && $VENV/bin/pip install x\n', /target=\/root\/.cache\/pip python3 -m venv/],
        ['FROM python:3\nRUN python3.12 -m pip install x\n', /target=\/root\/.cache\/pip /],
        ['FROM python:3\nRUN pipx install poetry\n', /target=\/root\/.cache\/pip /],
        ['FROM oven/bun\nRUN bun install --frozen-lockfile\n', /target=\/root\/.bun\/install\/cache /],
        ['FROM elixir\nRUN mix deps.get --only prod\n', /target=\/root\/.hex\/packages /],
        ['FROM sbt\nRUN sbt update\n', /target=\/root\/.cache\/coursier /],
        ['FROM clojure\nRUN lein deps\n', /target=\/root\/.m2 /],
        ['FROM node\nRUN pnpm dlx x\n', /target=\/root\/.local\/share\/pnpm\/store /],
        ['FROM golang\nRUN go mod tidy\n', /target=\/go\/pkg\/mod /],
        ['FROM ruby\nRUN gem update --system\n', /target=\/root\/.gem /],
        ['FROM python:3\nRUN pip install --cache-dir /pc x\n', /target=\/pc /],
      ];
      for (const [text, re] of cases) assert.match(applyFirstFix(text, RULE), re, text);
    });

    it('an earlier unrelated install, in the same RUN or the stage, does not hide a later finding', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get install -y gcc && pip install x\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN pip install x\n', RULE), [3]);
      assert.deepStrictEqual(lines('FROM alpine\nRUN apk add py3-pip\nRUN pip install x\n', RULE), [2, 3]);
    });

    it('no cache mount at all: reported even where the cache is not known, without a fix, saying what decides it', () => {
      const cases: Array<[string, RegExp]> = [
        ['FROM python:3\nARG D\nENV PIP_CACHE_DIR=$D\nRUN pip install x\n', /\$PIP_CACHE_DIR/],
        ['FROM python:3\nRUN pip install --cache-dir "$D" x\n', /the directory its cache option names/],
        ['FROM node:20\nUSER 1000\nRUN npm ci\n', /~\/\.npm of USER 1000/],
        ['FROM myruby\nENV BUNDLE_PATH=/gems\nRUN bundle install\n', /\/gems\/ruby\/<ABI>\/cache/],
      ];
      for (const [text, re] of cases) {
        const f = findings(text, RULE);
        assert.strictEqual(f.length, 1, text);
        assert.match(f[0].message, re, text);
        assert.match(f[0].message, /No automatic fix: where the cache is/, text);
        assert.deepStrictEqual(f[0].fixes, [], text);
      }
    });

    it('Bundler follows BUNDLE_PATH, BUNDLE_DEPLOYMENT and `bundle config path` (under ruby/<ABI>/ of the image)', () => {
      assert.match(applyFirstFix('FROM ruby:3.3-slim\nENV BUNDLE_PATH=/gems\nRUN bundle install\n', RULE), /target=\/gems\/ruby\/3.3.0\/cache /);
      assert.match(applyFirstFix('FROM ruby:3.2\nWORKDIR /app\nRUN bundle config set --local deployment true && bundle install\n', RULE), /target=\/app\/vendor\/bundle\/ruby\/3.2.0\/cache /);
      assert.match(applyFirstFix('FROM ruby:3.3\nWORKDIR /app\nRUN bundle config path vendor/gems\nRUN bundle install\n', RULE), /target=\/app\/vendor\/gems\/ruby\/3.3.0\/cache /);
      assert.match(applyFirstFix('FROM ruby:3.3\nRUN bundle install\n', RULE), /target=\/usr\/local\/bundle\/cache /);
    });

    it('a mount target with ${VAR} is expanded from ARG/ENV: a different directory is still reported', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG C=/other\nRUN --mount=type=cache,target=${C} pip install x\n', RULE), [3]);
    });

    it('apt: a mount on the lists only is partial, and the fix adds the package cache', () => {
      const text = `FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl\n`;
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.match(f[0].message, /\/var\/cache\/apt\)/);
      assert.strictEqual(applyFirstFix(text, RULE), `FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl\n`);
    });

    it('OS packages: one finding per stage on the first RUN, the others related, one fix for all (idempotent)', () => {
      const text = df`
        FROM alpine:3.20 AS build
        RUN apk add --no-cache gcc
        RUN apk add --no-cache musl-dev
        COPY . /src
        RUN apk add make
        FROM alpine:3.20
        RUN apk add --no-cache ca-certificates
      `;
      const f = findings(text, RULE);
      assert.deepStrictEqual(f.map(x => x.range.start.line + 1), [2, 7]);
      assert.deepStrictEqual(f[0].related?.map(r => r.range.start.line + 1), [3, 5]);
      assert.match(f[0].message, /do 2 more RUNs of this stage \(lines 3, 5\)/);
      assert.strictEqual(f[0].severity, 'information');
      const m = '--mount=type=cache,target=/var/cache/apk,sharing=locked';
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM alpine:3.20 AS build
        RUN ${m} ln -sf /var/cache/apk /etc/apk/cache && apk add gcc
        RUN ${m} apk add musl-dev
        COPY . /src
        RUN ${m} apk add make
        FROM alpine:3.20
        RUN apk add --no-cache ca-certificates
      `);
      fixAllChecked(text, RULE);
    });

    it('dnf and yum: information, the cache their image uses, and no claim that packages are kept', () => {
      const text = 'FROM fedora:40\nRUN dnf install -y gcc && dnf clean all\nRUN dnf -y install make\n';
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].severity, 'information');
      assert.match(f[0].message, /metadata/);
      assert.doesNotMatch(f[0].message, /downloaded packages then survive/);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y gcc && dnf clean all\nRUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf -y install make\n');
      assert.match(applyFirstFix('FROM centos:7\nRUN yum install -y gcc\n', RULE), /target=\/var\/cache\/yum,sharing=locked yum install/);
      assert.match(applyFirstFix('FROM rockylinux:9\nRUN yum install -y gcc\n', RULE), /target=\/var\/cache\/dnf,sharing=locked yum install/);
    });

    it('apt over several RUNs: docker-clean is disabled once, in the first', () => {
      const text = 'FROM debian\nRUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b\n';
      const out = applyFirstFix(text, RULE);
      assert.strictEqual(out.split('docker-clean').length, 2);
      assert.match(out.split('\n')[2], /^RUN --mount=type=cache,target=\/var\/cache\/apt,sharing=locked --mount=type=cache,target=\/var\/lib\/apt\/lists,sharing=locked apt-get update/);
      fixAllChecked(text, RULE);
    });

    it('a stage FROM a fresh image gets docker-clean disabled again', () => {
      const out = fixAllChecked('FROM debian AS a\nRUN apt-get update && apt-get install -y a\nFROM debian\nRUN apt-get update && apt-get install -y b\n', RULE);
      assert.strictEqual(out.split('rm -f /etc/apt/apt.conf.d/docker-clean').length, 3);
    });

    it('installs behind a runner: dotnet tool install, mix do deps.get, php composer.phar, su <user> -c', () => {
      assert.deepStrictEqual(lines('FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet tool install -g dotnet-ef\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM elixir:1.16\nCOPY mix.exs mix.lock ./\nRUN mix do deps.get, deps.compile\n', RULE), [3]);
      assert.deepStrictEqual(lines('FROM elixir:1.16\nCOPY mix.exs mix.lock ./\nRUN mix do deps.get + deps.compile\n', RULE), [3]);
      assert.deepStrictEqual(lines('FROM php:8.3\nCOPY composer.json ./\nRUN php composer.phar install --no-dev\n', RULE), [3]);
      // su runs the install as another user: reported, but where that user's cache is is not known here
      const su = 'FROM node:20\nCOPY package.json ./\nRUN su node -c "npm install"\n';
      assert.deepStrictEqual(lines(su, RULE), [3]);
      const f = findings(su, RULE)[0];
      assert.match(f.message, /runs as node through su/);
      assert.deepStrictEqual(f.fixes ?? [], []);
      assert.deepStrictEqual(lines('FROM node:20\nRUN su -c "npm ci" - node\n', RULE), [2]);
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

    it('steps that download nothing (each has a twin above or here that does)', () => {
      const pairs: Array<[string, string]> = [
        ['FROM python:3\nRUN pip install --no-index --find-links /wheels x\n', 'FROM python:3\nRUN pip install --find-links /wheels x\n'],
        ['FROM node:20\nRUN pnpm install --offline --frozen-lockfile\n', 'FROM node:20\nRUN pnpm install --frozen-lockfile\n'],
        ['FROM node:20\nRUN yarn install --offline\n', 'FROM node:20\nRUN yarn install\n'],
        ['FROM gradle\nRUN gradle build --offline\n', 'FROM gradle\nRUN gradle build\n'],
        ['FROM golang\nRUN go build -mod=vendor -o /app .\n', 'FROM golang\nRUN go build -o /app .\n'],
        ['FROM golang\nENV GOFLAGS=-mod=vendor\nRUN go build -o /app .\n', 'FROM golang\nENV GOFLAGS=-trimpath\nRUN go build -o /app .\n'],
        ['FROM sdk\nRUN dotnet publish --no-restore -c Release\n', 'FROM sdk\nRUN dotnet publish -c Release\n'],
        ['FROM rust\nRUN cargo build --offline --release\n', 'FROM rust\nRUN cargo build --release\n'],
        ['FROM rust\nRUN cargo build --frozen --release\n', 'FROM rust\nRUN cargo build --locked --release\n'],
        ['FROM maven\nRUN mvn -o package\n', 'FROM maven\nRUN mvn package\n'],
        ['FROM ruby\nRUN bundle install --local\n', 'FROM ruby\nRUN bundle install\n'],
        ['FROM node:20\nRUN npm ci --offline\n', 'FROM node:20\nRUN npm ci --prefer-offline\n'],
        ['FROM python:3\nRUN uv sync --offline\n', 'FROM python:3\nRUN uv sync --frozen\n'],
        ['FROM python:3\nRUN uv pip install --no-index --find-links /w -r r.txt\n', 'FROM python:3\nRUN uv pip install --find-links /w -r r.txt\n'],
        ['FROM python:3\nENV PIP_NO_INDEX=1\nRUN pip install --find-links /w x\n', 'FROM python:3\nENV PIP_NO_INDEX=\nRUN pip install --find-links /w x\n'],
        ['FROM continuumio/miniconda3\nRUN conda install --offline x\n', 'FROM continuumio/miniconda3\nRUN conda install x\n'],
        ['FROM alpine\nRUN apk add --no-network /pkgs/x.apk\n', 'FROM alpine\nRUN apk add /pkgs/x.apk\n'],
        ['FROM fedora\nRUN dnf install -y -C x\n', 'FROM fedora\nRUN dnf install -y x\n'],
        ['FROM golang\nRUN GOPROXY=off go build ./...\n', 'FROM golang\nRUN GOPROXY=direct go build ./...\n'],
      ];
      for (const [quiet, loud] of pairs) {
        assert.deepStrictEqual(lines(quiet, RULE), [], quiet);
        assert.strictEqual(lines(loud, RULE).length, 1, loud);
      }
    });

    it('the same cache where another version of the tool or another base image keeps it', () => {
      const right = [
        'FROM node:20\nRUN --mount=type=cache,target=/root/.yarn/berry/cache yarn install --immutable\n',
        'FROM node:20\nWORKDIR /app\nRUN --mount=type=cache,target=/app/.yarn/cache yarn install --immutable\n',
        'FROM ubuntu\nRUN --mount=type=cache,target=/root/go/pkg/mod go mod download\n',
        'FROM ubuntu\nRUN --mount=type=cache,target=/root/.cargo/registry cargo fetch\n',
        'FROM php:8\nRUN --mount=type=cache,target=/root/.cache/composer composer install\n',
        'FROM debian\nRUN --mount=type=cache,target=/var/cache/apt/archives,sharing=locked apt-get update && apt-get install -y x\n',
        'FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache apk add --update curl\n',
        'FROM centos:7\nRUN --mount=type=cache,target=/var/cache/dnf yum install -y x\n',
        'FROM maven\nRUN --mount=type=cache,target=/root/.m2 mvn package\n',
        'FROM gradle\nRUN --mount=type=cache,target=/root/.gradle gradle build\n',
        // the go build cache saves compile time only: the module cache is what keeps downloads
        'FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n',
      ];
      for (const text of right) assert.deepStrictEqual(lines(text, RULE), [], text);
      // twins: nothing mounted, or the build cache alone
      assert.match(applyFirstFix('FROM golang\nRUN go build -o /app .\n', RULE), /target=\/go\/pkg\/mod --mount=type=cache,target=\/root\/.cache\/go-build go build/);
      assert.deepStrictEqual(lines('FROM golang\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n', RULE), [2]);
      assert.match(applyFirstFix('FROM node:20\nRUN yarn install --immutable\n', RULE), /target=\/usr\/local\/share\/.cache\/yarn /);
      assert.deepStrictEqual(lines('FROM debian\nRUN --mount=type=cache,target=/var/cache/debconf apt-get update && apt-get install -y x\n', RULE), [2]);
    });

    it('cargo-chef: prepare reads the source only; the build after an unmounted cook finds the dependencies in the image', () => {
      assert.deepStrictEqual(lines('FROM rust:1.80\nCOPY . .\nRUN cargo chef prepare --recipe-path recipe.json\n', RULE), []);
      const chef = 'FROM rust:1.80\nCOPY recipe.json .\nRUN cargo chef cook --release --recipe-path recipe.json\nCOPY . .\nRUN cargo build --release\n';
      assert.deepStrictEqual(lines(chef, RULE), [3]);
      // twin: a cook with its own cache mount leaves nothing in the image, so the build downloads again
      assert.deepStrictEqual(lines(chef.replace('RUN cargo chef', 'RUN --mount=type=cache,target=/usr/local/cargo/registry cargo chef'), RULE), [5]);
    });

    it('built wheels installed with --no-deps download nothing; a wheel with its dependencies does', () => {
      assert.deepStrictEqual(lines('FROM python:3.12\nCOPY dist/ /tmp/dist/\nRUN pip install /tmp/dist/*.whl --no-deps\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3.12\nCOPY dist/ /tmp/dist/\nRUN pip install /tmp/dist/*.whl\n', RULE), [3]);
      assert.deepStrictEqual(lines('FROM python:3.12\nCOPY . .\nRUN pip install --no-deps .\n', RULE), [3]);
    });

    it('pnpm install --prefer-offline after an unmounted pnpm fetch in the image', () => {
      const text = 'FROM node:20\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install --prefer-offline\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      // twins: without --prefer-offline, or with the fetch in a cache mount, the install downloads
      assert.deepStrictEqual(lines(text.replace(' --prefer-offline', ''), RULE), [3, 5]);
      assert.deepStrictEqual(lines(text.replace('RUN pnpm fetch', 'RUN --mount=type=cache,target=/root/.local/share/pnpm/store pnpm fetch'), RULE), [5]);
    });

    it('a build after a deps-only step that left the packages in the image: the deps step carries the finding', () => {
      const text = 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.csproj .\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.deepStrictEqual(lines('FROM golang\nCOPY go.* .\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n', RULE), [3]);
      // twin: once the deps step has its mount, the build needs the same mount to see the packages
      const out = fixAllChecked(text, RULE);
      assert.match(out, /RUN --mount=type=cache,target=\/root\/.nuget\/packages dotnet publish/);
      assert.deepStrictEqual(lines('FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\nRUN go build -o /app .\n', RULE), [4]);
    });

    it('apt: a mount on /var/cache/apt (or /var/lib/apt) with the package cache is complete without the lists', () => {
      assert.deepStrictEqual(lines('FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n', RULE), []);
    });

    it('mount targets with ${VAR} / $VAR are expanded from ARG/ENV; one that cannot be resolved gets no finding', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG PIP_CACHE=/root/.cache/pip\nRUN --mount=type=cache,target=${PIP_CACHE} pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nENV HOME_CACHE=/root/.cache\nRUN --mount=type=cache,target=$HOME_CACHE/pip pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nARG CACHE_DIR\nRUN --mount=type=cache,target=${CACHE_DIR} pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=$UNDECLARED pip install x\n', RULE), []);
      // GOPATH and HOME may come from the base image's ENV, which this Dockerfile does not show
      assert.deepStrictEqual(lines('FROM golang\nRUN --mount=type=cache,target=$GOPATH/pkg/mod go mod download\n', RULE), []);
      assert.deepStrictEqual(lines('FROM maven\nRUN --mount=type=cache,target=$HOME/.m2 mvn package\n', RULE), []);
    });

    it('a cache directory that cannot be known, with a cache mount on the RUN: it may be the right one, no finding', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG D\nENV PIP_CACHE_DIR=$D\nRUN --mount=type=cache,target=/somewhere pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/pc pip install --cache-dir "$D" x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/pc pip install --cache-dir /pc x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nUSER 1000\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n', RULE), []);
    });

    it('a cache moved by `<tool> config set` to a value that cannot be known', () => {
      assert.deepStrictEqual(lines('FROM node:20\nRUN yarn config set cache-folder "$YARN_DIR"\nRUN --mount=type=cache,target=/ycache yarn install\n', RULE), []);
      assert.match(applyFirstFix('FROM node:20\nRUN yarn config set cache-folder /yc\nRUN yarn install\n', RULE), /target=\/yc yarn install/);
    });

    it('Bundler with a path whose ruby ABI the image does not tell: no finding rather than a wrong target', () => {
      assert.deepStrictEqual(lines('FROM myruby\nENV BUNDLE_PATH=/gems\nRUN --mount=type=cache,target=/gems/ruby/3.3.0/cache bundle install\n', RULE), []);
      assert.deepStrictEqual(lines('FROM ruby:3.3\nRUN --mount=type=cache,target=/gems/ruby/3.3.0/cache bundle install --path /gems\n', RULE), []);
    });

    it('switched off by settings or a suppression comment', () => {
      const text = 'FROM python:3\nRUN pip install flask\n';
      assert.deepStrictEqual(lint(DOCKERFILE, text, { ...DEFAULT_SETTINGS, rules: { [RULE]: 'off' } }).findings.filter(f => f.rule === RULE), []);
      assert.strictEqual(lint(DOCKERFILE, text, { ...DEFAULT_SETTINGS, rules: { [RULE]: 'error' } }).findings.find(f => f.rule === RULE)?.severity, 'error');
      assert.deepStrictEqual(lines('FROM python:3\n# cache-advisor ignore=missing-cache-mount\nRUN pip install flask\n', RULE), []);
    });
  });
});

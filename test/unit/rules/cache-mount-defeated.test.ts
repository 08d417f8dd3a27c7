import * as assert from 'assert';
import { applyFirstFix, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'cache-mount-defeated';
const PIP = '--mount=type=cache,target=/root/.cache/pip';
const APT = '--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked';
const KEEP = `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`;

describe(RULE, () => {
  describe('catches', () => {
    it('pip --no-cache-dir with the pip cache mount: the flag goes', () => {
      const text = `FROM python:3\nRUN ${PIP} pip install --no-cache-dir -r requirements.txt\n`;
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.match(findings(text, RULE)[0].message, /never used/);
      assert.strictEqual(applyFirstFix(text, RULE), `FROM python:3\nRUN ${PIP} pip install -r requirements.txt\n`);
      fixAllChecked(text, RULE);
    });

    it('uv --no-cache, apk add --no-cache with an apk cache mount', () => {
      assert.strictEqual(applyFirstFix('FROM x\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install --no-cache x\n', RULE), 'FROM x\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install x\n');
      assert.strictEqual(applyFirstFix('FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add --no-cache curl\n', RULE), 'FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n');
      assert.strictEqual(applyFirstFix('FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache apk add --no-cache curl\n', RULE), 'FROM alpine\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\n');
    });

    it('PIP_NO_CACHE_DIR inline, and from ENV in scope (the ENV fix of no-cache-env is reused)', () => {
      assert.strictEqual(applyFirstFix(`FROM x\nRUN ${PIP} PIP_NO_CACHE_DIR=1 pip install x\n`, RULE), `FROM x\nRUN ${PIP} pip install x\n`);
      const text = `FROM python:3\nENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1\nRUN ${PIP} pip install x\n`;
      const f = findings(text, RULE)[0];
      assert.match(f.message, /line 2/);
      assert.strictEqual(f.related?.[0].range.start.line, 1);
      assert.strictEqual(applyFirstFix(text, RULE), `FROM python:3\nENV PYTHONUNBUFFERED=1\nRUN ${PIP} pip install x\n`);
      fixAllChecked(text, RULE);
    });

    it('PIP_NO_CACHE_DIR before pipenv: one no-cache table for every rule, and it knows pipenv reads the variable', () => {
      const mount = PIP; // pipenv keeps its downloads in pip's cache
      assert.strictEqual(applyFirstFix(`FROM python:3\nRUN ${mount} PIP_NO_CACHE_DIR=1 pipenv install\n`, RULE), `FROM python:3\nRUN ${mount} pipenv install\n`);
      assert.deepStrictEqual(lines(`FROM python:3\nRUN ${mount} PIP_INDEX_URL=x pipenv install\n`, RULE), []);
    });

    it('npm cache clean and yarn cache clean in the same RUN', () => {
      const text = 'FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n');
      const yarn = 'FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn cache clean && \\\n    yarn install --frozen-lockfile\n';
      assert.strictEqual(applyFirstFix(yarn, RULE), 'FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile\n');
    });

    it('rm -rf of the mounted directory, ~ and $HOME included; other rm arguments stay', () => {
      assert.strictEqual(applyFirstFix(`FROM x\nRUN ${PIP} pip install x && rm -rf /root/.cache/pip\n`, RULE), `FROM x\nRUN ${PIP} pip install x\n`);
      assert.strictEqual(applyFirstFix(`FROM x\nRUN ${PIP} pip install x && rm -rf /tmp/* ~/.cache\n`, RULE), `FROM x\nRUN ${PIP} pip install x && rm -rf /tmp/*\n`);
      assert.deepStrictEqual(lines(`FROM x\nRUN ${PIP} pip install x && rm -rf "$HOME/.cache/pip"\n`, RULE), [2]);
      assert.strictEqual(applyFirstFix(`FROM debian\nRUN ${APT} ${KEEP} && apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n`, RULE),
        `FROM debian\nRUN ${APT} ${KEEP} && apt-get update && apt-get install -y curl\n`);
    });

    it('apt-get clean with the archive cache mounted, and docker-clean still active', () => {
      assert.strictEqual(applyFirstFix(`FROM debian\nRUN ${APT} ${KEEP} && apt-get update && apt-get install -y curl && apt-get clean\n`, RULE),
        `FROM debian\nRUN ${APT} ${KEEP} && apt-get update && apt-get install -y curl\n`);
      const text = `FROM debian\nRUN ${APT} apt-get update && apt-get install -y curl\n`;
      assert.match(findings(text, RULE)[0].message, /docker-clean/);
      assert.strictEqual(applyFirstFix(text, RULE), `FROM debian\nRUN ${APT} ${KEEP} && apt-get update && apt-get install -y curl\n`);
      fixAllChecked(text, RULE);
    });

    it('apt mounts without sharing=locked', () => {
      const text = `FROM debian\nRUN ${KEEP}\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,dst=/var/lib/apt,sharing=shared apt-get update && apt-get install -y curl\n`;
      assert.deepStrictEqual(lines(text, RULE), [3, 3]);
      assert.strictEqual(fixAllChecked(text, RULE), `FROM debian\nRUN ${KEEP}\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,dst=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl\n`);
    });

    it('pip cache purge, go clean -modcache, heredoc lines, CRLF, non-root user with its own mount', () => {
      assert.strictEqual(applyFirstFix(`FROM x\r\nRUN ${PIP} <<EOF\r\npip install x\r\npip cache purge\r\nEOF\r\n`, RULE), `FROM x\r\nRUN ${PIP} <<EOF\r\npip install x\r\nEOF\r\n`);
      assert.strictEqual(applyFirstFix('FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod go mod download; go clean -modcache\n', RULE), 'FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n');
      const user = 'FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci && npm cache clean --force\n';
      assert.strictEqual(applyFirstFix(user, RULE), 'FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n');
    });

    it('a ${VAR} mount target expanded from ARG; pip\'s --no-cache abbreviation', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG C=/root/.cache/pip\nRUN --mount=type=cache,target=${C} pip install --no-cache x\n', RULE), [3]);
    });

    it('docker-clean disabled in another stage FROM a fresh image does not count', () => {
      assert.deepStrictEqual(lines(`FROM debian AS a\nRUN ${KEEP}\nFROM debian\nRUN ${APT} apt-get update && apt-get install -y curl\n`, RULE), [4]);
    });

    it('JSON exec form and `# escape=`', () => {
      assert.strictEqual(applyFirstFix(`FROM x\nRUN ${PIP} ["pip", "install", "--no-cache-dir", "x"]\n`, RULE), `FROM x\nRUN ${PIP} ["pip", "install", "x"]\n`);
      assert.strictEqual(applyFirstFix(`# escape=\`\nFROM x\nRUN ${PIP} pip install x \`\n    && pip cache purge\n`, RULE), `# escape=\`\nFROM x\nRUN ${PIP} pip install x\n`);
    });
  });

  describe('catches not', () => {
    it('no cache mount: pip-no-cache-dir and no-cache-env speak instead', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN pip install --no-cache-dir x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node\nRUN npm ci && npm cache clean --force\n', RULE), []);
    });

    it('a mount for another tool; cleaning in another RUN', () => {
      assert.deepStrictEqual(lines('FROM node\nRUN --mount=type=cache,target=/root/.npm pip install --no-cache-dir x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN npm cache clean --force\n', RULE), []);
    });

    it('rm of something else; apt lists mount without the archives: rm of lists is still a defeat, apt-get clean is not', () => {
      assert.deepStrictEqual(lines(`FROM x\nRUN ${PIP} pip install x && rm -rf /tmp/build /app/*.pyc\n`, RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y x && apt-get clean\n', RULE), []);
    });

    it('docker-clean already removed in an earlier RUN; sharing=private', () => {
      const text = `FROM debian\nRUN ${KEEP}\nRUN --mount=type=cache,target=/var/cache/apt,sharing=private --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl\n`;
      assert.deepStrictEqual(lines(text, RULE), []);
    });

    it('a ${VAR} mount target that resolves elsewhere or not at all', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG C=/elsewhere\nRUN --mount=type=cache,target=${C} pip install --no-cache x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nARG C\nRUN --mount=type=cache,target=${C} pip install --no-cache x\n', RULE), []);
    });

    it('PIP_NO_CACHE_DIR declared but without a value, and --no-cache-dir in an echo', () => {
      assert.deepStrictEqual(lines(`FROM x\nARG PIP_NO_CACHE_DIR\nRUN ${PIP} pip install x\n`, RULE), []);
      assert.deepStrictEqual(lines(`FROM x\nRUN ${PIP} pip install x && echo --no-cache-dir\n`, RULE), []);
    });
  });
});

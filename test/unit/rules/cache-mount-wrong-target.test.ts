import * as assert from 'assert';
import { applyFirstFix, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'cache-mount-wrong-target';

describe(RULE, () => {
  describe('catches', () => {
    it("root's pip cache while USER appuser runs pip: retarget to the user's home with uid/gid", () => {
      const text = 'FROM python:3.12\nRUN groupadd -g 1001 app && useradd -m -u 1001 -g app appuser\nUSER appuser\nRUN --mount=type=cache,target=/root/.cache/pip pip install --user -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [4]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /USER appuser/);
      assert.match(f.message, /\/home\/appuser\/\.cache\/pip/);
      assert.match(f.message, /owned by root/);
      assert.strictEqual(applyFirstFix(text, RULE),
        'FROM python:3.12\nRUN groupadd -g 1001 app && useradd -m -u 1001 -g app appuser\nUSER appuser\nRUN --mount=type=cache,target=/home/appuser/.cache/pip,uid=1001,gid=1001 pip install --user -r requirements.txt\n');
      fixAllChecked(text, RULE);
    });

    it('a target that ignores PIP_CACHE_DIR, npm_config_cache, GOCACHE, GOMODCACHE, UV_CACHE_DIR, XDG_CACHE_HOME in scope', () => {
      const cases: Array<[string, string, string]> = [
        ['ENV PIP_CACHE_DIR=/cache/pip', '--mount=type=cache,target=/root/.cache/pip pip install x', '--mount=type=cache,target=/cache/pip pip install x'],
        ['ENV npm_config_cache=/tmp/npm', '--mount=type=cache,target=/root/.npm npm ci', '--mount=type=cache,target=/tmp/npm npm ci'],
        ['ENV GOCACHE=/gocache', '--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build ./...', '--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/gocache go build ./...'],
        ['ENV GOMODCACHE=/gomod', '--mount=type=cache,target=/go/pkg/mod go mod download', '--mount=type=cache,target=/gomod go mod download'],
        ['ENV UV_CACHE_DIR=/uv-cache', '--mount=type=cache,target=/root/.cache/uv uv sync', '--mount=type=cache,target=/uv-cache uv sync'],
        ['ENV XDG_CACHE_HOME=/xdg', '--mount=type=cache,target=/root/.cache/pip pip install x', '--mount=type=cache,target=/xdg/pip pip install x'],
      ];
      for (const [env, before, after] of cases) {
        const text = `FROM x\n${env}\nRUN ${before}\n`;
        assert.deepStrictEqual(lines(text, RULE), [3], env);
        assert.match(findings(text, RULE)[0].message, new RegExp(env.split(' ')[1].split('=')[0]), env);
        assert.strictEqual(applyFirstFix(text, RULE), `FROM x\n${env}\nRUN ${after}\n`, env);
      }
    });

    it('dst= and other options keep their order; id= survives', () => {
      const text = 'FROM x\nENV PIP_CACHE_DIR=/pc\nRUN --mount=type=cache,id=pip,dst=/root/.cache/pip,sharing=locked pip install x\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM x\nENV PIP_CACHE_DIR=/pc\nRUN --mount=type=cache,id=pip,dst=/pc,sharing=locked pip install x\n');
    });

    it('the right target but root-owned while a non-root user with a known uid runs the tool', () => {
      const text = 'FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm npm ci\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 npm ci\n');
      fixAllChecked(text, RULE);
    });

    it('unknown uid: reported without a fix', () => {
      const text = 'FROM python:3\nUSER appuser\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n';
      const f = findings(text, RULE)[0];
      assert.ok(f);
      assert.deepStrictEqual(f.fixes, []);
      assert.match(f.message, /uid of USER appuser is not known/);
    });

    it('multi-stage inheritance, JSON exec form, heredoc, CRLF', () => {
      const text = 'FROM python:3 AS base\r\nENV PIP_CACHE_DIR=/pc\r\nFROM base\r\nRUN --mount=type=cache,target=/root/.cache/pip ["pip", "install", "x"]\r\nRUN --mount=type=cache,target=/root/.cache/pip <<EOF\r\npip install y\r\nEOF\r\n';
      assert.deepStrictEqual(lines(text, RULE), [4, 5]);
      const out = fixAllChecked(text, RULE);
      assert.strictEqual(out, 'FROM python:3 AS base\r\nENV PIP_CACHE_DIR=/pc\r\nFROM base\r\nRUN --mount=type=cache,target=/pc ["pip", "install", "x"]\r\nRUN --mount=type=cache,target=/pc <<EOF\r\npip install y\r\nEOF\r\n');
    });

    it('a ${VAR} target is expanded from ARG/ENV before it is judged', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG PIPC=/tmp/pip\nRUN --mount=type=cache,target=${PIPC} pip install x\n', RULE), [3]);
    });

    it('`# escape=` files', () => {
      const text = '# escape=`\nFROM x\nENV PIP_CACHE_DIR=/pc\nRUN --mount=type=cache,target=/root/.cache/pip `\n    pip install x\n';
      assert.strictEqual(applyFirstFix(text, RULE), '# escape=`\nFROM x\nENV PIP_CACHE_DIR=/pc\nRUN --mount=type=cache,target=/pc `\n    pip install x\n');
    });
  });

  describe('catches not', () => {
    it('the right target for root, and a parent directory that covers it', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/.cache pip install x\n', RULE), []);
    });

    it('a non-root user with uid= or a world-writable mode on the mount', () => {
      assert.deepStrictEqual(lines('FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,mode=0777 npm ci\n', RULE), []);
    });

    it('sudo runs as root whatever USER says', () => {
      assert.deepStrictEqual(lines('FROM x\nUSER app\nRUN --mount=type=cache,target=/root/.cache/pip sudo pip install x\n', RULE), []);
    });

    it('a cache mount for something else (a build cache of the project), and apt mounts', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/app/.next/cache npm run build\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nUSER app\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked sudo apt-get install -y x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get install -y x\n', RULE), []);
    });

    it('a ${VAR} target that expands to the right place, or cannot be resolved: no finding that contradicts itself', () => {
      assert.deepStrictEqual(lines('FROM python:3\nARG PIPC=/root/.cache/pip\nRUN --mount=type=cache,target=${PIPC} pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nARG PIPC\nRUN --mount=type=cache,target=${PIPC} pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nARG D\nENV PIP_CACHE_DIR=$D\nRUN --mount=type=cache,target=/pip pip install x\n', RULE), []);
      // USER 1000 with no account in this Dockerfile: its home comes from the base image
      assert.deepStrictEqual(lines('FROM node:20\nUSER 1000\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n', RULE), []);
    });

    it('a cache moved by `<tool> config set` earlier in the stage or the RUN', () => {
      assert.deepStrictEqual(lines('FROM node:20\nRUN yarn config set cache-folder /cache/yarn\nRUN --mount=type=cache,target=/cache/yarn yarn install\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nRUN npm config set cache /cache/npm --global && echo ok\nRUN --mount=type=cache,target=/cache/npm npm ci\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/pipc pip config set global.cache-dir /pipc && pip install x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node:20\nRUN pnpm config set store-dir /s\nRUN --mount=type=cache,target=/s pnpm install\n', RULE), []);
      // twin: without the config the same mount is misplaced
      assert.deepStrictEqual(lines('FROM node:20\nRUN --mount=type=cache,target=/cache/yarn yarn install\n', RULE), [2]);
    });

    it('an offline step: its mount is not judged', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/tmp/pip pip install --no-index --find-links /w x\n', RULE), []);
    });

    it('the env var set after the RUN does not count', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\nENV PIP_CACHE_DIR=/pc\n', RULE), []);
    });
  });
});

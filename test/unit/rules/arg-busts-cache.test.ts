import * as assert from 'assert';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'arg-busts-cache';

describe(RULE, () => {
  describe('catches', () => {
    it('ARG GIT_COMMIT + ENV above the installs: both move to the end of the stage, before CMD', () => {
      const text = df`
        FROM python:3.12
        ARG GIT_COMMIT
        ENV APP_COMMIT=$GIT_COMMIT
        RUN apt-get update && apt-get install -y build-essential
        RUN pip install flask
        COPY . /app
        CMD ["python", "/app/main.py"]
      `;
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /GIT_COMMIT/);
      assert.match(f.message, /line 4/);
      assert.deepStrictEqual(f.related?.map(r => r.range.start.line + 1), [3, 4]);
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM python:3.12
        RUN apt-get update && apt-get install -y build-essential
        RUN pip install flask
        COPY . /app
        ARG GIT_COMMIT
        ENV APP_COMMIT=$GIT_COMMIT
        CMD ["python", "/app/main.py"]
      `);
      fixAllChecked(text, RULE);
    });

    it('the names: COMMIT*, *_SHA, *_HASH, REVISION, BUILD_DATE/TIME/NUMBER/ID, CACHEBUST, TIMESTAMP, VERSION', () => {
      for (const name of ['GIT_COMMIT_SHA', 'COMMIT', 'IMAGE_SHA', 'SOURCE_HASH', 'REVISION', 'BUILD_DATE', 'BUILD_TIME', 'BUILD_NUMBER', 'BUILD_ID', 'CACHEBUST', 'TIMESTAMP', 'VERSION', 'VCS_REF']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${name}\nRUN make\n`, RULE), [2], name);
      }
    });

    it('more per-build names: refs, tags, times, job/run/pipeline ids, metadata, per-job CI variables and tokens', () => {
      for (const name of ['GIT_REF', 'GITHUB_REF_NAME', 'SHORT_SHA', 'CI_COMMIT_SHORT_SHA', 'GIT_TAG', 'IMAGE_TAG', 'CREATED_DATE', 'BUILD_DATETIME', 'BUILDTIME',
        'CI_JOB_ID', 'GITHUB_RUN_ID', 'GITHUB_RUN_NUMBER', 'CI_PIPELINE_IID', 'PIPELINE', 'BUILD_METADATA', 'CI_JOB_TOKEN', 'ACTIONS_RUNTIME_TOKEN',
        'DRONE_BUILD_NUMBER', 'BUILDKITE_BUILD_ID', 'MY_JOB_NAME', 'CIRCLE_SHA1', 'git_commit',
        'VITE_GIT_COMMIT_TIME', 'NEXT_PUBLIC_BUILD_ID', 'REACT_APP_GIT_SHA', 'VITE_BUILD_TIME', 'VITE_GIT_TAG', 'BUILD_VERSION']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${name}\nRUN make\n`, RULE), [2], name);
      }
    });

    it('COMMIT anywhere in the name, and metadata with an empty JSON default', () => {
      for (const decl of ['QW_COMMIT_TAGS', 'APP_COMMIT_DATE', 'LLAMA_COMMIT', 'BUILD_METADATA={}', 'RELEASE_METADATA=""']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${decl}\nRUN make\n`, RULE), [2], decl);
      }
    });

    it('a *_VERSION ARG whose default only stands in for the version CI stamps (snapshot, dev, unknown, empty)', () => {
      for (const decl of ['APP_VERSION=snapshot', 'APP_VERSION=""', 'APP_VERSION=dev', 'MY_VERSION=unknown', 'APP_VERSION=0.0.0-dev', 'APP_VERSION=local']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${decl}\nRUN make\n`, RULE), [2], decl);
      }
      // re-declared bare in the stage: the global default decides
      assert.deepStrictEqual(lines('ARG APP_VERSION=snapshot\nFROM x\nARG APP_VERSION\nRUN make\n', RULE), [3]);
    });

    it('a CI token: flagged, and the message says a secret mount is the better home', () => {
      const text = 'FROM x\nARG GITHUB_TOKEN\nRUN make\nRUN fetch-private $GITHUB_TOKEN\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.match(findings(text, RULE)[0].message, /--mount=type=secret/);
      assert.doesNotMatch(findings('FROM x\nARG GIT_COMMIT\nRUN make\n', RULE)[0].message, /secret/);
    });

    it('an ENV that passes the value on beside other variables: the RUNs after it re-run too (no fix: the ENV must be split)', () => {
      const text = 'FROM ruby:3.3\nARG GIT_COMMIT\nRUN mkdir -p /app/tmp\nENV PATH="/app/bin:$PATH" APP_COMMIT="${GIT_COMMIT}"\nRUN bundle exec rake assets:precompile\nCMD ["x"]\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /rake assets:precompile.*line 5/);
      assert.match(f.message, /ENV on line 4 passes it on beside other variables/);
      assert.deepStrictEqual(f.fixes ?? [], []);
    });

    it('known by use: a Compose file or CI workflow passes it a per-build value', () => {
      const workspace = { perBuildArgs: { APP_BUILD: [{ file: '.github/workflows/ci.yml', line: 12, value: '$(git rev-parse HEAD)' }] } };
      const text = 'FROM python:3\nARG APP_BUILD\nRUN pip install flask\nCMD ["x"]\n';
      assert.deepStrictEqual(lines(text, RULE, workspace), [2]);
      assert.match(findings(text, RULE, workspace)[0].message, /\.github\/workflows\/ci\.yml line 12 passes it `\$\(git rev-parse HEAD\)`/);
      assert.strictEqual(applyFirstFix(text, RULE, workspace), 'FROM python:3\nRUN pip install flask\nARG APP_BUILD\nCMD ["x"]\n');
      fixAllChecked(text, RULE, workspace);
      // a stable-looking name is per-build when it is used so
      assert.deepStrictEqual(lines('FROM x\nARG APP_VERSION\nRUN make\n', RULE, { perBuildArgs: { APP_VERSION: [{ file: 'compose.yaml', line: 3, value: '$(git describe)' }] } }), [2]);
    });

    it('an unused ARG still reaches every later RUN as an environment variable', () => {
      const text = 'FROM x\nARG BUILD_DATE=unknown\nRUN go build ./...\nLABEL org.opencontainers.image.created=$BUILD_DATE\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM x\nRUN go build ./...\nARG BUILD_DATE=unknown\nLABEL org.opencontainers.image.created=$BUILD_DATE\n');
      fixAllChecked(text, RULE);
    });

    it('a RUN that really uses it anchors it: the ARG moves down to just above that RUN', () => {
      const text = 'FROM golang:1.22\nARG VERSION\nRUN go mod download\nRUN go build -ldflags "-X main.version=${VERSION}" -o /app\nCMD ["/app"]\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM golang:1.22\nRUN go mod download\nARG VERSION\nRUN go build -ldflags "-X main.version=${VERSION}" -o /app\nCMD ["/app"]\n');
      fixAllChecked(text, RULE);
    });

    it('an ENV that mixes it with other values anchors it there', () => {
      const text = 'FROM x\nARG GIT_SHA\nRUN make deps\nENV PATH=/opt/bin:$PATH REV=$GIT_SHA\nRUN make\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM x\nRUN make deps\nARG GIT_SHA\nENV PATH=/opt/bin:$PATH REV=$GIT_SHA\nRUN make\n');
      // the RUN after the ENV still sees the value: the message says so
      assert.match(findings(text, RULE)[0].message, /ENV on line 4 passes it on beside other variables.*does not split/);
    });

    it('multi-stage: each stage on its own; the final stage without CMD gets it at the end', () => {
      const text = 'FROM node:20 AS build\nARG COMMIT_SHA\nRUN npm ci\nFROM nginx\nARG COMMIT_SHA\nLABEL rev=$COMMIT_SHA\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM node:20 AS build\nRUN npm ci\nARG COMMIT_SHA\nFROM nginx\nARG COMMIT_SHA\nLABEL rev=$COMMIT_SHA\n');
    });

    it('non-root USER, CRLF and heredoc RUNs', () => {
      const text = 'FROM x\r\nRUN useradd -m app\r\nUSER app\r\nARG BUILD_NUMBER\r\nRUN <<EOF\r\nmake all\r\nEOF\r\nCMD ["x"]\r\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM x\r\nRUN useradd -m app\r\nUSER app\r\nRUN <<EOF\r\nmake all\r\nEOF\r\nARG BUILD_NUMBER\r\nCMD ["x"]\r\n');
    });

    it('`# escape=` with a continued ARG line', () => {
      const text = '# escape=`\nFROM x\nARG GIT_COMMIT `\n    BUILD_DATE\nRUN make\nCMD ["x"]\n';
      assert.strictEqual(applyFirstFix(text, RULE), '# escape=`\nFROM x\nRUN make\nARG GIT_COMMIT `\n    BUILD_DATE\nCMD ["x"]\n');
    });
  });

  describe('catches not', () => {
    it('used only in the last steps', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN make\nARG GIT_COMMIT\nLABEL rev=$GIT_COMMIT\nCMD ["x"]\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN pip install x\nARG BUILD_DATE\nRUN echo $BUILD_DATE > /build-date\n', RULE), []);
    });

    it('stable names: PYTHON_VERSION, NODE_VERSION, TARGETARCH, a global ARG only used by FROM', () => {
      assert.deepStrictEqual(lines('FROM x\nARG PYTHON_VERSION=3.12\nARG NODE_VERSION\nARG TARGETARCH\nRUN make\n', RULE), []);
      assert.deepStrictEqual(lines('ARG VERSION=1\nFROM x:$VERSION\nRUN make\n', RULE), []);
    });

    it('stable version pins and checksums by name, and names the workspace passes stable values', () => {
      for (const name of ['PYTHON_VERSION', 'NODE_VERSION', 'ALPINE_VERSION', 'APP_VERSION', 'NODE_SHA256', 'TINI_SHA512', 'TARGETPLATFORM', 'DEBIAN_FRONTEND', 'BASE_IMAGE', 'PIP_INDEX_URL']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${name}\nRUN make\n`, RULE), [], name);
      }
      assert.deepStrictEqual(lines('FROM x\nARG APP_VERSION\nRUN make\n', RULE, { perBuildArgs: { OTHER: [{ file: 'compose.yaml', line: 3, value: '$(date)' }] } }), []);
      assert.deepStrictEqual(lines('FROM x\nARG constructor\nRUN make\n', RULE, { perBuildArgs: {} }), []);
    });

    it('a per-build-looking name whose default pins a concrete value is an upstream pin; a placeholder default is not', () => {
      for (const decl of ['LLAMA_CPP_COMMIT=8f1d81a', 'VERSION=1.4.2', 'GIT_SHA=0123456789abcdef', 'BUILD_DATE=2024-01-01', 'MODEL_REVISION', 'SNAPSHOT_DATE', 'MAX_JOB_COUNT=4', 'UPSTREAM_TAG']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${decl}\nRUN make\n`, RULE), [], decl);
      }
      for (const decl of ['GIT_COMMIT=unknown', 'VERSION=dev', 'BUILD_DATE=""', 'COMMIT_SHA=${CI_COMMIT_SHA}', 'GIT_SHA=latest', 'VERSION=0.0.0', 'VERSION=0.0.0-dev', 'GIT_COMMIT=local-build']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${decl}\nRUN make\n`, RULE), [2], decl);
      }
      // the workspace passing it a per-build value wins over a pinned-looking default
      assert.deepStrictEqual(lines('FROM x\nARG VERSION=1.4.2\nRUN make\n', RULE, { perBuildArgs: { VERSION: [{ file: 'compose.yaml', line: 3, value: '$(git describe)' }] } }), [2]);
    });

    it('*_VERSION with a concrete default, a release channel or another variable is a pin', () => {
      for (const decl of ['PYTHON_VERSION=3.12', 'NODE_VERSION=""', 'GOLANG_VERSION=dev', 'APP_VERSION=1.4.2', 'NODE_VERSION=latest', 'TOOL_VERSION=main', 'APP_VERSION=${BASE_VERSION}', 'APP_VERSION']) {
        assert.deepStrictEqual(lines(`FROM x\nARG ${decl}\nRUN make\n`, RULE), [], decl);
      }
      assert.deepStrictEqual(lines('ARG APP_VERSION=2.0.1\nFROM x\nARG APP_VERSION\nRUN make\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nARG GIT_COMMITTER_NAME\nARG COMMITS_BEHIND=3\nRUN make\n', RULE), []);
    });

    it('a mixed ENV followed only by cheap steps, or by a RUN that uses the value', () => {
      assert.deepStrictEqual(lines('FROM x\nARG GIT_COMMIT\nENV PATH="/a:$PATH" APP_COMMIT="${GIT_COMMIT}"\nRUN mkdir /data\nCMD ["x"]\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nARG GIT_COMMIT\nENV PATH="/a:$PATH" APP_COMMIT="${GIT_COMMIT}"\nRUN make VERSION=$APP_COMMIT\n', RULE), []);
      // an ENV that only passes on per-build values of several ARGs is their use (a build script reads them)
      assert.deepStrictEqual(lines('FROM rust:1\nARG COMMIT_SHA\nARG GIT_TAG\nENV VERGEN_GIT_SHA=${COMMIT_SHA} VERGEN_GIT_DESCRIBE=${GIT_TAG}\nCOPY . .\nRUN cargo build --release\n', RULE), []);
    });

    it('only cheap RUNs after it', () => {
      assert.deepStrictEqual(lines('FROM x\nARG GIT_COMMIT\nRUN echo $GIT_COMMIT > /rev && mkdir -p /data\nCMD ["x"]\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nARG GIT_COMMIT\nRUN ["mkdir", "/data"]\nCOPY . /app\n', RULE), []);
    });

    it('a RUN that uses it right away (nothing to gain by moving it)', () => {
      assert.deepStrictEqual(lines('FROM x\nARG VERSION\nRUN go build -ldflags "-X main.v=$VERSION"\n', RULE), []);
    });
  });
});

import * as assert from 'assert';
import { applyFirstFix, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'apt-update-alone';

describe(RULE, () => {
  describe('catches', () => {
    it('RUN apt-get update on its own: merged into the next install RUN of the stage', () => {
      const text = 'FROM debian:12\nRUN apt-get update\nCOPY sources.list /etc/apt/\nRUN apt-get install -y curl\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /stale/);
      assert.strictEqual(f.related?.[0].range.start.line, 3);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM debian:12\nCOPY sources.list /etc/apt/\nRUN apt-get update && apt-get install -y curl\n');
      fixAllChecked(text, RULE);
    });

    it('apt update, apk update, yum/dnf makecache', () => {
      assert.strictEqual(applyFirstFix('FROM ubuntu\nRUN apt update -qq\nRUN apt install -y git\n', RULE), 'FROM ubuntu\nRUN apt update -qq && apt install -y git\n');
      assert.strictEqual(applyFirstFix('FROM alpine\nRUN apk update\nRUN apk add curl\n', RULE), 'FROM alpine\nRUN apk update && apk add curl\n');
      assert.strictEqual(applyFirstFix('FROM fedora\nRUN dnf makecache\nRUN dnf install -y git\n', RULE), 'FROM fedora\nRUN dnf makecache && dnf install -y git\n');
      assert.deepStrictEqual(lines('FROM centos\nRUN yum makecache fast\nRUN yum install -y git\n', RULE), [2]);
    });

    it('a trailing update after other commands: only the update moves; comments and mounts are kept', () => {
      const text = 'FROM debian\nRUN echo "deb http://x y z" > /etc/apt/sources.list.d/x.list && \\\n    apt-get update\n# tools\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get install -y x\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM debian\nRUN echo "deb http://x y z" > /etc/apt/sources.list.d/x.list\n# tools\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y x\n');
      fixAllChecked(text, RULE);
    });

    it('the install RUN already refreshes: the lone update just goes', () => {
      assert.strictEqual(applyFirstFix('FROM debian\nRUN apt-get update\nRUN apt-get update && apt-get install -y x\n', RULE), 'FROM debian\nRUN apt-get update && apt-get install -y x\n');
    });

    it('CRLF and `# escape=` files', () => {
      assert.strictEqual(applyFirstFix('FROM debian\r\nRUN apt-get update\r\nRUN apt-get install -y x\r\n', RULE), 'FROM debian\r\nRUN apt-get update && apt-get install -y x\r\n');
      assert.strictEqual(applyFirstFix('# escape=`\nFROM debian\nRUN apt-get update\nRUN apt-get install `\n    -y x\n', RULE), '# escape=`\nFROM debian\nRUN apt-get update && apt-get install `\n    -y x\n');
    });

    it('no install later in the stage, an install run by a non-root USER, an exec-form install: reported without a fix', () => {
      assert.deepStrictEqual(findings('FROM debian\nRUN apt-get update\nCMD ["bash"]\n', RULE)[0].fixes, []);
      const f = findings('FROM debian\nRUN apt-get update\nUSER app\nRUN sudo apt-get install -y x\n', RULE)[0];
      assert.deepStrictEqual(f.fixes, []);
      assert.match(f.message, /USER app/);
      assert.deepStrictEqual(findings('FROM debian\nRUN apt-get update\nRUN ["apt-get", "install", "-y", "x"]\n', RULE)[0].fixes, []);
    });

    it('apk update before `apk add --no-cache` (or --update): wasted, not stale; the fix removes it', () => {
      const text = 'FROM alpine\nRUN apk update\nRUN apk add --no-cache curl\n';
      const f = findings(text, RULE);
      assert.strictEqual(f.length, 1);
      assert.doesNotMatch(f[0].message, /stale/);
      assert.match(f[0].message, /--no-cache/);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM alpine\nRUN apk add --no-cache curl\n');
      fixAllChecked(text, RULE);
      assert.strictEqual(applyFirstFix('FROM alpine\nRUN echo x >> /etc/apk/repositories && apk update\nRUN apk add -U curl\n', RULE), 'FROM alpine\nRUN echo x >> /etc/apk/repositories\nRUN apk add -U curl\n');
    });

    it('multi-stage: the next install must be in the same stage', () => {
      const text = 'FROM debian AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y x\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.deepStrictEqual(findings(text, RULE)[0].fixes, []);
    });
  });

  describe('catches not', () => {
    it('update and install in one RUN, in any form', () => {
      assert.deepStrictEqual(lines('FROM debian\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN apt-get update; apt-get install -y x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y x\nEOF\n', RULE), []);
      assert.deepStrictEqual(lines(`FROM debian\nRUN sh -c 'apt-get update && apt-get install -y x'\n`, RULE), []);
      assert.deepStrictEqual(lines('FROM alpine\nRUN apk update && apk add x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM alpine\nRUN apk add --update x\n', RULE), []);
    });

    it('never claims stale lists for an install that fetches its own (apk add --no-cache)', () => {
      for (const f of findings('FROM alpine\nRUN apk update\nRUN apk add --no-cache curl\n', RULE)) assert.doesNotMatch(f.message, /stale|reuses/);
    });

    it('words that only look like it', () => {
      assert.deepStrictEqual(lines('FROM debian\nRUN echo apt-get update\n', RULE), []);
      assert.deepStrictEqual(lines('FROM node\nRUN npm update\n', RULE), []);
    });
  });
});

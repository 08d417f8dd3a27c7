import * as assert from 'assert';
import { analyze } from '../../../common/analysis/analyze';
import { excludedFromCopy, matchesSource, stepInputs } from '../../../common/analysis/sources';
import { ask } from './fixtures';

describe('context: COPY/ADD source matching (real file trees)', () => {
  describe('globs, folders and files', () => {
    it('a root glob copies root files only: `*.py` takes main.py, not sub/deep.py', () => {
      const main = ask('globs', 'main.py');
      assert.strictEqual(main.reason, 'copied');
      assert.strictEqual(main.first, 3);
      assert.deepStrictEqual(main.rerun, [3, 4, 5, 6, 7, 8, 9, 10, 13]);
      assert.strictEqual(main.total, 11, 'FROM, WORKDIR, 7 COPY/ADD, 2 RUN; CMD is metadata');
      const deep = ask('globs', 'sub/deep.py');
      assert.strictEqual(deep.reason, 'not-copied');
      assert.deepStrictEqual(deep.rerun, []);
      assert.strictEqual(deep.first, null);
    });

    it('a glob after a folder stays in that folder: src/*.txt takes src/a.txt, not src/nested/c.txt or src/b.md', () => {
      assert.deepStrictEqual(ask('globs', 'src/a.txt').rerun, [5, 6, 7, 8, 9, 10, 13]);
      assert.strictEqual(ask('globs', 'src/nested/c.txt').reason, 'not-copied');
      assert.strictEqual(ask('globs', 'src/b.md').reason, 'not-copied');
    });

    it('folders with and without a trailing slash, JSON form included', () => {
      assert.strictEqual(ask('globs', 'conf/app.ini').first, 6);
      assert.strictEqual(ask('globs', 'docs/readme.md').first, 7);
    });

    it('without --parents `**` is Go filepath.Match `*`: one folder level only', () => {
      assert.strictEqual(ask('globs', 'data/2024/x.csv').first, 8);
      assert.strictEqual(ask('globs', 'data/2024/jan/x.csv').reason, 'not-copied');
    });

    it('ADD <url> and COPY heredocs read nothing from the context', () => {
      const unused = ask('globs', 'unused.txt');
      assert.strictEqual(unused.inContext, true);
      assert.strictEqual(unused.reason, 'not-copied');
    });

    it('a file outside the context folder is not in the context', () => {
      const a = ask('globs', '../args/top.txt');
      assert.strictEqual(a.inContext, false);
      assert.strictEqual(a.reason, 'outside-context');
    });
  });

  describe('--parents and --exclude (dockerfile 1.7 labs)', () => {
    it('with --parents `**` spans folders', () => {
      assert.strictEqual(ask('parents', 'packages/b/lib/package.json').first, 3);
      assert.strictEqual(ask('parents', 'packages/a/package.json').first, 3);
      assert.strictEqual(ask('parents', 'package.json').reason, 'not-copied', 'the root package.json is not under packages/');
    });

    it('a `/./` pivot still reads the full path', () => {
      assert.deepStrictEqual(ask('parents', 'packages/a/index.js').rerun, [6]);
    });

    it('the --exclude values of one COPY are one pattern list: a later `!` value re-includes', () => {
      const model = analyze('# syntax=docker/dockerfile:1.7-labs\nFROM x\nCOPY --exclude=*.md --exclude=!keep.md --exclude=a(b . /app/\n');
      const inputs = stepInputs(model, model.instructions[1]);
      const read = inputs.reads[0];
      assert.deepStrictEqual(['notes.md', 'keep.md', 'a(b', 'ab', 'main.py'].map(f => excludedFromCopy(inputs, read, f)), [true, false, true, false, false]);
    });

    it('a source without wildcards is a path, backslashes included; an escaped wildcard is literal', () => {
      const read = (pattern: string) => ({ display: pattern, pattern, prefix: pattern, parents: false, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, via: 'COPY' as const });
      assert.ok(matchesSource(read('a\\b'), 'a\\b/x'));
      assert.ok(!matchesSource(read('a\\b'), 'ab'));
      assert.ok(matchesSource(read('f\\*[12]'), 'f*1'));
      assert.ok(!matchesSource(read('f\\*[12]'), 'fx1'));
    });

    it('--exclude drops matching files from a folder copy', () => {
      assert.strictEqual(ask('parents', 'docs/guide.md').reason, 'not-copied');
      assert.deepStrictEqual(ask('parents', 'docs/guide.txt').rerun, [5, 6]);
      assert.deepStrictEqual(ask('parents', 'docs/img/x.png').rerun, [5, 6]);
    });
  });

  describe('ARG and ENV expansion in sources', () => {
    it('an ARG default and an ENV value pick the folder', () => {
      assert.deepStrictEqual(ask('args', 'services/api/main.go').rerun, [8, 9, 10, 11, 12, 13]);
      assert.strictEqual(ask('args', 'config/settings.yaml').first, 9);
    });

    it('an ARG with no value expands to nothing: ${UNSET}top.txt is top.txt', () => {
      assert.strictEqual(ask('args', 'top.txt').first, 10);
    });

    it('a global ARG redeclared in the stage keeps its default', () => {
      assert.strictEqual(ask('args', 'shared/lib.txt').first, 11);
    });

    describe('with the build\'s --build-arg values', () => {
      const asBuilt = { buildArgs: { APP_DIR: 'services/web', SHARED: 'config', UNSET: 'services/', FLAVOUR: 'shared' } };

      it('catches: a build arg replaces the ARG default, the global default a stage redeclares, and an ARG with no value', () => {
        assert.strictEqual(ask('args', 'services/web/main.go', asBuilt).first, 8);
        assert.strictEqual(ask('args', 'config/other.yaml', asBuilt).first, 11);
        assert.strictEqual(ask('args', 'services/top.txt', asBuilt).first, 10);
      });

      it('catches-not: the defaults\' folders, and a global ARG the stage does not redeclare stays empty', () => {
        assert.deepStrictEqual(ask('args', 'services/api/main.go', asBuilt).rerun, [12, 13], 'only the whole-context COPY ${FLAVOUR}/');
        assert.deepStrictEqual(ask('args', 'top.txt', asBuilt).rerun, [12, 13]);
      });

      it('ENV wins over a build arg of the same name; ARGs derived from a build arg follow it; a FROM <stage> child inherits', () => {
        const text = 'FROM alpine AS base\nARG V=1\nARG SRC=src-$V\nENV OUT=a\nARG OUT\nFROM base\nCOPY ${SRC}/ ${OUT}/ /x/\n';
        const model = analyze(text);
        const copy = model.instructions.find(i => i.keyword === 'COPY')!;
        const args = new Map([['V', '2'], ['OUT', 'b']]);
        assert.deepStrictEqual(stepInputs(model, copy, args).reads.map(r => r.pattern), ['src-2', 'a']);
        assert.deepStrictEqual(stepInputs(model, copy).reads.map(r => r.pattern), ['src-1', 'a']);
      });
    });

    it('a global ARG not redeclared is empty in the stage: `${FLAVOUR}/` is `/`, the whole context', () => {
      assert.deepStrictEqual(ask('args', 'prod/x.txt').rerun, [12, 13]);
      assert.deepStrictEqual(ask('args', 'services/web/main.go').rerun, [12, 13], 'not copied by ${APP_DIR}/ (services/api)');
      assert.deepStrictEqual(ask('args', 'config/other.yaml').rerun, [12, 13]);
    });
  });
});

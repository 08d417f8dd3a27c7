/**
 * The one lint engine with its file-kind adapters: Dockerfiles and Compose files go through the same
 * lint, fix-all and fix verification; a kind's adapter refuses a fix that breaks its file; a kind the
 * engine has never seen (defined here) needs nothing but an adapter.
 */
import * as assert from 'assert';
import { parseDocument } from 'yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits, fixAll, lint, verifyFix } from '../../../server/src/lint/linter';
import { CI, COMPOSE, DOCKERFILE, isLintedFileName, kindOfDocument, kindOfFile } from '../../../server/src/lint/fileKinds';
import type { FileKind, LintedModel } from '../../../server/src/lint/fileKind';
import type { Fix } from '../../../server/src/rules/types';
import { DEFAULT_SETTINGS } from '../../../common/settings';

const DOCKERFILE_TEXT = 'FROM python:3\nRUN pip install --no-cache-dir -r requirements.txt\n';
const COMPOSE_TEXT = 'services:\n  web:\n    build:\n      context: .\n      args:\n        - PIP_NO_CACHE_DIR=1\n        - DEBUG=0\n    image: acme/web:1\n';

const at = (line: number, character: number) => ({ line, character });
const edit = (sl: number, sc: number, el: number, ec: number, newText: string) => ({ range: { start: at(sl, sc), end: at(el, ec) }, newText });
const fix = (...edits: Fix['edits']): Fix => ({ title: 'test fix', preferred: true, edits });

describe('lint engine: one pipeline, a file-kind adapter per kind', () => {
  describe('Dockerfile and Compose through the same lint and fix-all', () => {
    it('lint: each kind runs its own rules; findings have one shape', () => {
      assert.deepStrictEqual(lint(DOCKERFILE, DOCKERFILE_TEXT).findings.map(f => f.rule), ['missing-cache-mount', 'pip-no-cache-dir']);
      assert.deepStrictEqual(lint(COMPOSE, COMPOSE_TEXT).findings.map(f => f.rule), ['compose-missing-cache-from', 'compose-no-cache-env']);
      // a Dockerfile rule never runs on YAML and the other way round
      assert.deepStrictEqual(lint(COMPOSE, DOCKERFILE_TEXT).findings, []);
      assert.ok(!lint(DOCKERFILE, COMPOSE_TEXT).findings.some(f => f.rule.startsWith('compose-')));
    });

    it('settings, suppression comments and the size limit work the same for both kinds', () => {
      const off = { ...DEFAULT_SETTINGS, rules: { 'pip-no-cache-dir': 'off' as const, 'missing-cache-mount': 'off' as const, 'compose-no-cache-env': 'off' as const } };
      assert.deepStrictEqual(lint(DOCKERFILE, DOCKERFILE_TEXT, off).findings, []);
      assert.deepStrictEqual(lint(COMPOSE, COMPOSE_TEXT, off).findings.map(f => f.rule), ['compose-missing-cache-from']);
      assert.deepStrictEqual(lint(DOCKERFILE, `# cache-advisor global ignore=pip-no-cache-dir,missing-cache-mount\n${DOCKERFILE_TEXT}`).findings, []);
      assert.deepStrictEqual(lint(COMPOSE, `# cache-advisor global ignore=compose-no-cache-env,compose-missing-cache-from\n${COMPOSE_TEXT}`).findings, []);
      const tiny = { ...DEFAULT_SETTINGS, maxFileSize: 10 };
      assert.deepStrictEqual(lint(DOCKERFILE, DOCKERFILE_TEXT, tiny).findings.map(f => f.rule), ['file-too-large']);
      assert.deepStrictEqual(lint(COMPOSE, COMPOSE_TEXT, tiny).findings.map(f => f.rule), ['file-too-large']);
    });

    it('fix-all: the preferred fixes of both kinds, a valid file, idempotent', () => {
      const df = fixAll(DOCKERFILE, DOCKERFILE_TEXT);
      assert.strictEqual(df.text, 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n');
      // both rules want the same mount: the first fix adds it, the other finding is gone after that pass
      assert.deepStrictEqual(df.applied.map(a => a.rule), ['missing-cache-mount']);
      assert.strictEqual(fixAll(DOCKERFILE, df.text).text, df.text);
      const compose = fixAll(COMPOSE, COMPOSE_TEXT);
      assert.deepStrictEqual(parseDocument(compose.text).errors, []);
      assert.deepStrictEqual(compose.applied.map(a => a.rule).sort(), ['compose-missing-cache-from', 'compose-no-cache-env']);
      assert.deepStrictEqual(lint(COMPOSE, compose.text).findings.filter(f => f.fixes?.some(x => x.preferred)), []);
      assert.strictEqual(fixAll(COMPOSE, compose.text).text, compose.text);
      assert.deepStrictEqual(compose.createFiles, []);
    });
  });

  describe('fix verification: the kind refuses a fix that breaks its file', () => {
    it('Compose: YAML that no longer parses, or a service renamed, is refused; a sound edit passes', () => {
      const model = COMPOSE.parse(COMPOSE_TEXT);
      assert.strictEqual(verifyFix(COMPOSE, model, fix(edit(1, 0, 1, 0, '  [broken\n'))), undefined, 'a YAML syntax error');
      assert.strictEqual(verifyFix(COMPOSE, model, fix(edit(1, 2, 1, 5, 'api'))), undefined, 'the service renamed');
      assert.strictEqual(verifyFix(COMPOSE, model, fix(edit(6, 0, 7, 0, ''))), COMPOSE_TEXT.replace('        - DEBUG=0\n', ''));
    });

    it('Dockerfile: an edit that swallows the next instruction or changes the escape character is refused; a sound edit passes', () => {
      const model = DOCKERFILE.parse(DOCKERFILE_TEXT);
      // a trailing backslash on FROM makes the RUN part of it: the RUN the fix did not touch is gone
      assert.strictEqual(verifyFix(DOCKERFILE, model, fix(edit(0, 13, 0, 13, ' \\'))), undefined);
      assert.strictEqual(verifyFix(DOCKERFILE, model, fix(edit(0, 0, 0, 0, '# escape=`\n'))), undefined);
      assert.strictEqual(verifyFix(DOCKERFILE, model, fix(edit(1, 16, 1, 31, ''))), 'FROM python:3\nRUN pip install -r requirements.txt\n');
    });

    it('both kinds: overlapping edits and fixes that change nothing are refused by the engine itself', () => {
      for (const [kind, text] of [[DOCKERFILE, DOCKERFILE_TEXT], [COMPOSE, COMPOSE_TEXT]] as const) {
        const model = (kind as FileKind).parse(text);
        assert.strictEqual(verifyFix(kind as FileKind, model, fix(edit(0, 0, 0, 4, 'x'), edit(0, 2, 0, 6, 'y'))), undefined);
        assert.strictEqual(verifyFix(kind as FileKind, model, fix(edit(0, 0, 0, 0, ''))), undefined);
      }
    });

    it('fix-all skips a fix its kind refuses and applies the others', () => {
      // the compose kind with a rule whose only fix breaks the YAML, next to the real rules
      const breaking: FileKind = {
        ...COMPOSE,
        rules: [...COMPOSE.rules, { meta: { id: 'breaks-yaml', defaultSeverity: 'warning', description: 'x', docs: 'x' }, check: () => [{ range: edit(0, 0, 0, 0, '').range, message: 'x', fixes: [fix(edit(0, 0, 0, 0, '{{\n'))] }] }],
      };
      const out = fixAll(breaking, COMPOSE_TEXT);
      assert.deepStrictEqual(parseDocument(out.text).errors, []);
      assert.ok(!out.applied.some(a => a.rule === 'breaks-yaml'));
      assert.deepStrictEqual(out.applied.map(a => a.rule).sort(), ['compose-missing-cache-from', 'compose-no-cache-env']);
    });
  });

  describe('a new kind is only an adapter', () => {
    /** A made-up kind: lines of `key=value`; one rule wants every value upper-case. */
    interface LinesModel extends LintedModel { readonly lines: string[] }
    const LINES: FileKind<LinesModel> = {
      id: 'lines',
      noun: 'lines file',
      languageIds: ['lines'],
      claimsPath: p => p.endsWith('.lines'),
      readsBuildContext: false,
      parse: text => ({ text, document: TextDocument.create('file:///x.lines', 'lines', 0, text), eol: '\n', ignoredGlobally: new Set(), lines: text.split('\n') }),
      rules: [{
        meta: { id: 'upper-value', defaultSeverity: 'warning', description: 'values are upper-case', docs: 'x' },
        check: ({ model }) => model.lines.flatMap((l, i) => {
          const eq = l.indexOf('=');
          if (eq < 0 || l.slice(eq + 1) === l.slice(eq + 1).toUpperCase()) return [];
          return [{ range: edit(i, eq + 1, i, l.length, '').range, message: 'lower-case value', fixes: [fix(edit(i, eq + 1, i, l.length, l.slice(eq + 1).toUpperCase()))] }];
        }),
      }],
      isSuppressed: (model, id, line) => line > 0 && model.lines[line - 1] === `# ignore ${id}`,
      // every line keeps its key
      keepsStructure: (model, next) => next.split('\n').map(l => l.split('=')[0]).join() === model.lines.map(l => l.split('=')[0]).join(),
      ignoreAction: (_model, id, line) => ({ title: `Ignore ${id}`, edit: edit(line, 0, line, 0, `# ignore ${id}\n`) }),
    };

    it('lint, suppression, verification and fix-all (one fix per pass without a footprint) need nothing else', () => {
      const text = 'a=x\n# ignore upper-value\nb=y\nc=z\n';
      assert.deepStrictEqual(lint(LINES, text).findings.map(f => f.range.start.line), [0, 3]);
      const model = LINES.parse(text);
      assert.strictEqual(verifyFix(LINES, model, fix(edit(0, 0, 0, 1, 'q'))), undefined, 'a key changed');
      const out = fixAll(LINES, text);
      assert.strictEqual(out.text, 'a=X\n# ignore upper-value\nb=y\nc=Z\n');
      assert.strictEqual(out.applied.length, 2);
      const ignore = LINES.ignoreAction(model, 'upper-value', 3)!;
      assert.deepStrictEqual(lint(LINES, applyEdits(model, [ignore.edit])).findings.map(f => f.range.start.line), [0]);
    });
  });

  describe('which kind a file is', () => {
    it('the editor: Compose or CI by language id or name, other YAML and ignore files left alone, anything else a Dockerfile', () => {
      assert.strictEqual(kindOfDocument('dockercompose', 'file:///w/anything.yml'), COMPOSE);
      assert.strictEqual(kindOfDocument('yaml', 'file:///w/compose.prod.yaml'), COMPOSE);
      assert.strictEqual(kindOfDocument('dockerfile', 'file:///w/docker-compose.yml'), COMPOSE);
      assert.strictEqual(kindOfDocument('yaml', 'file:///w/.gitlab-ci.yml'), CI);
      assert.strictEqual(kindOfDocument('yaml', 'file:///w/.github/workflows/build.yaml'), CI);
      assert.strictEqual(kindOfDocument('yaml', 'file:///w/values.yaml'), undefined);
      // VS Code calls Dockerfile.dockerignore a Dockerfile (its `Dockerfile.*` pattern): an ignore file is not linted
      assert.strictEqual(kindOfDocument('dockerfile', 'file:///w/Dockerfile.dockerignore'), undefined);
      assert.strictEqual(kindOfDocument('dockerfile', 'file:///w/Containerfile.containerignore'), undefined);
      assert.strictEqual(kindOfDocument('yaml', 'file:///w/%E2%9C%93/ci.yml?x#y'), undefined);
      assert.strictEqual(kindOfDocument('dockerfile', 'untitled:Untitled-1'), DOCKERFILE);
      assert.strictEqual(kindOfDocument('dockerfile', 'file:///w/bad%E0%A4%A/Dockerfile'), DOCKERFILE);
    });

    it('the CLI: Dockerfile names first, any YAML given by name is Compose, the folder walk takes only names a kind claims', () => {
      assert.strictEqual(kindOfFile('/w/Dockerfile.yml'), DOCKERFILE);
      assert.strictEqual(kindOfFile('/w/docker-compose.override.yml'), COMPOSE);
      assert.strictEqual(kindOfFile('/w/stack.yaml'), COMPOSE);
      assert.strictEqual(kindOfFile('/w/app.Dockerfile'), DOCKERFILE);
      assert.ok(isLintedFileName('compose.yaml') && isLintedFileName('Containerfile') && isLintedFileName('api.Dockerfile'));
      assert.ok(!isLintedFileName('stack.yaml') && !isLintedFileName('Dockerfile.dockerignore') && !isLintedFileName('README.md'));
    });
  });
});

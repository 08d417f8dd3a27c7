/**
 * The injection grammar (syntaxes/) tokenised the way VS Code does it: vscode-textmate + oniguruma,
 * VS Code's own Dockerfile grammar as host, ours injected into source.dockerfile.
 * Each "catches" case has a "catches not" twin.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../../../..');
const INJECTION = 'cache-advisor.dockerfile.injection';
const GRAMMARS: Record<string, string> = {
  'source.dockerfile': path.join(ROOT, 'test', 'unit', 'syntaxes', 'fixtures', 'docker.tmLanguage.json'),
  [INJECTION]: path.join(ROOT, 'syntaxes', 'dockerfile-cache-advisor.injection.tmLanguage.json'),
};

interface Token { readonly text: string; readonly scopes: readonly string[] }

let grammar: textmate.IGrammar;

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async scope => (GRAMMARS[scope] ? textmate.parseRawGrammar(fs.readFileSync(GRAMMARS[scope], 'utf8'), GRAMMARS[scope]) : null),
    // what package.json's contributes.grammars[].injectTo declares
    getInjections: scope => (scope === 'source.dockerfile' ? [INJECTION] : undefined),
  });
  const g = await registry.loadGrammar('source.dockerfile');
  if (!g) throw new Error('source.dockerfile did not load');
  return g;
}

/** Tokens per line of `text`. */
function tokenize(text: string): Token[][] {
  let stack = textmate.INITIAL;
  return text.split('\n').map(line => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map(t => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the token `text` on line `line` (0-based) of `source`. */
function scopesOf(source: string, line: number, text: string): readonly string[] {
  const tok = tokenize(source)[line].find(t => t.text === text);
  assert.ok(tok, `no token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(tokenize(source)[line].map(t => t.text))}`);
  return tok.scopes;
}
const has = (scopes: readonly string[], scope: string) => assert.ok(scopes.includes(scope), `expected ${scope} in ${scopes.join(' ')}`);
const hasNo = (scopes: readonly string[], prefix: string) =>
  assert.ok(!scopes.some(s => s.startsWith(prefix)), `expected no ${prefix}* in ${scopes.join(' ')}`);

describe('syntaxes: injection grammar for RUN --mount and the ignore pragma', () => {
  before(async () => { grammar = await loadGrammar(); });

  it('is registered in package.json as an injection into source.dockerfile', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === INJECTION);
    assert.ok(entry, 'contributes.grammars has no entry for the injection');
    assert.deepStrictEqual(entry.injectTo, ['source.dockerfile']);
    assert.ok(fs.existsSync(path.join(ROOT, entry.path)), `${entry.path} does not exist`);
  });

  describe('--mount flag', () => {
    const src = 'RUN --mount=type=cache,id=pip,target=/root/.cache/pip,sharing=locked,uid=1000,gid=1000 pip install flask';
    it('catches the flag and every option with its value', () => {
      has(scopesOf(src, 0, 'RUN'), 'keyword.other.special-method.dockerfile');
      has(scopesOf(src, 0, '--mount'), 'storage.modifier.flag.mount.dockerfile');
      has(scopesOf(src, 0, 'type'), 'entity.other.attribute-name.mount-option.type.dockerfile');
      has(scopesOf(src, 0, 'cache'), 'support.constant.mount-type.dockerfile');
      has(scopesOf(src, 0, 'id'), 'entity.other.attribute-name.mount-option.id.dockerfile');
      has(scopesOf(src, 0, 'pip'), 'string.unquoted.cache-id.dockerfile');
      has(scopesOf(src, 0, 'target'), 'entity.other.attribute-name.mount-option.target.dockerfile');
      has(scopesOf(src, 0, '/root/.cache/pip'), 'string.unquoted.path.dockerfile');
      has(scopesOf(src, 0, 'sharing'), 'entity.other.attribute-name.mount-option.sharing.dockerfile');
      has(scopesOf(src, 0, 'locked'), 'support.constant.sharing-mode.dockerfile');
      has(scopesOf(src, 0, 'uid'), 'entity.other.attribute-name.mount-option.uid.dockerfile');
      has(scopesOf(src, 0, 'gid'), 'entity.other.attribute-name.mount-option.gid.dockerfile');
      has(scopesOf(src, 0, '1000'), 'constant.numeric.dockerfile');
    });
    it('catches not the command after the flags', () => {
      const cmd = tokenize(src)[0].find(t => t.text.includes('install'))!;
      has(cmd.scopes, 'meta.instruction.run.dockerfile');
      hasNo(cmd.scopes, 'meta.flag');
    });

    it('catches flags on continuation lines and ONBUILD RUN', () => {
      const cont = 'RUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=tmpfs,target=/tmp \\\n    apt-get update';
      has(scopesOf(cont, 1, '--mount'), 'storage.modifier.flag.mount.dockerfile');
      has(scopesOf(cont, 1, 'tmpfs'), 'support.constant.mount-type.dockerfile');
      has(scopesOf(cont, 2, '    apt-get update'), 'meta.instruction.run.dockerfile');
      has(scopesOf('onbuild run --mount=type=secret,id=npmrc npm ci', 0, 'secret'), 'support.constant.mount-type.dockerfile');
    });
    it('catches not past the end of the RUN, nor in other instructions, comments or strings', () => {
      const ended = 'RUN --mount=type=cache,target=/x make\nLABEL note=--mount=type=cache';
      hasNo(tokenize(ended)[1].flatMap(t => t.scopes), 'meta.instruction.run');
      hasNo(tokenize(ended)[1].flatMap(t => t.scopes), 'storage.modifier.flag');
      hasNo(tokenize('# RUN --mount=type=cache,target=/x')[0].flatMap(t => t.scopes), 'storage.modifier.flag');
      const quoted = tokenize('RUN echo "--mount=type=cache"')[0];
      hasNo(quoted.flatMap(t => t.scopes), 'storage.modifier.flag');
      has(quoted.find(t => t.text.includes('--mount'))!.scopes, 'string.quoted.double.dockerfile');
    });

    it('catches unknown option values as invalid', () => {
      has(scopesOf('RUN --mount=type=cahce,target=/x true', 0, 'type=cahce'), 'invalid.illegal.mount-option.dockerfile');
      has(scopesOf('RUN --mount=sharing=sometimes,target=/x true', 0, 'sharing=sometimes'), 'invalid.illegal.mount-option.dockerfile');
    });
    it('catches not valid values as invalid', () => {
      for (const src2 of ['RUN --mount=type=bind,source=go.sum,target=go.sum,ro true', 'RUN --mount=type=cache,target=/x,sharing=private,mode=0755,readonly=false true']) {
        hasNo(tokenize(src2)[0].flatMap(t => t.scopes), 'invalid');
      }
    });

    it('catches --network and --security flags', () => {
      has(scopesOf('RUN --network=none make', 0, '--network'), 'storage.modifier.flag.dockerfile');
      has(scopesOf('RUN --security=insecure make', 0, 'insecure'), 'support.constant.dockerfile');
    });
    it('catches not the same words as shell arguments mid-command', () => {
      hasNo(tokenize('RUN curl--network=none')[0].flatMap(t => t.scopes), 'storage.modifier.flag');
    });
  });

  describe('the ignore pragma', () => {
    it('catches `# cache-advisor ignore=` and the global form with each rule id', () => {
      const src = '# cache-advisor ignore=copy-before-install,pip-no-cache-dir\n  #cache-advisor global ignore = missing-cache-mount';
      has(scopesOf(src, 0, 'cache-advisor'), 'keyword.other.pragma.cache-advisor.dockerfile');
      has(scopesOf(src, 0, 'ignore'), 'keyword.control.pragma.ignore.cache-advisor.dockerfile');
      has(scopesOf(src, 0, 'copy-before-install'), 'constant.other.rule-id.cache-advisor.dockerfile');
      has(scopesOf(src, 0, 'pip-no-cache-dir'), 'constant.other.rule-id.cache-advisor.dockerfile');
      has(scopesOf(src, 0, ','), 'punctuation.separator.comma.dockerfile');
      has(scopesOf(src, 1, 'global'), 'storage.modifier.pragma.global.cache-advisor.dockerfile');
      has(scopesOf(src, 1, 'missing-cache-mount'), 'constant.other.rule-id.cache-advisor.dockerfile');
      // still a comment for themes and for comment-toggling
      has(scopesOf(src, 0, 'ignore'), 'comment.line.number-sign.pragma.cache-advisor.dockerfile');
    });
    it('catches not ordinary comments or a pragma word in prose', () => {
      for (const line of ['# install the cache-advisor ignore list later', '# cache-advisor', '# ignore=copy-before-install', 'LABEL x="# cache-advisor ignore=a"']) {
        hasNo(tokenize(line)[0].flatMap(t => t.scopes), 'keyword.other.pragma');
      }
    });
  });
});

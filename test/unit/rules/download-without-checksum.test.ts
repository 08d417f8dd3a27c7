import * as assert from 'assert';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze } from '../../../common/analysis/analyze';
import { applyEdits, fixAll, verifyFix } from '../../../server/src/lint/linter';
import { DOCKERFILE } from '../../../server/src/lint/fileKinds';
import { syntaxAllowsChecksum } from '../../../server/src/rules/download-without-checksum';
import { findings, lines } from '../../support/lint';

const RULE = 'download-without-checksum';
const H = 'a'.repeat(44) + '0123456789abcdef0123';
const URL = 'https://example.com/releases/download/v1.2.3/tool-1.2.3.tgz';

/** Apply the (non-preferred) fix of the first finding, checking it verifies, re-parses and is not re-reported. */
function applyFix(text: string): string {
  const model = analyze(text);
  const f = findings(text, RULE)[0];
  assert.ok(f?.fixes?.length, `expected a fix: ${f?.message}`);
  const fix = f.fixes![0];
  assert.strictEqual(fix.preferred, false, 'ADD --checksum needs a recent frontend: never applied by Fix All');
  const out = verifyFix(DOCKERFILE, model, fix);
  assert.ok(out !== undefined, 'the fix failed verification');
  assert.strictEqual(applyEdits(model, fix.edits), out);
  assert.doesNotThrow(() => DockerfileParser.parse(out));
  assert.deepStrictEqual(lines(out, RULE), [], `still reported after the fix:\n${out}`);
  return out;
}

describe(RULE, () => {
  describe('catches', () => {
    it('download + inline sha256sum -c: ADD --checksum replaces both, with the syntax line it needs', () => {
      const text = `FROM debian\nRUN curl -fsSL -o /tmp/tool.tgz ${URL} && echo "${H}  /tmp/tool.tgz" | sha256sum -c -\nCMD ["sh"]\n`;
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.strictEqual(f.severity, 'information');
      assert.match(f.message, /BuildKit verifies the file and caches it/);
      assert.strictEqual(applyFix(text), `# syntax=docker/dockerfile:1\nFROM debian\nADD --checksum=sha256:${H} --chmod=644 ${URL} /tmp/tool.tgz\nCMD ["sh"]\n`);
    });

    it('extraction after the check: the rest stays byte for byte in a RUN after the ADD', () => {
      const text = `# syntax=docker/dockerfile:1.7\nFROM debian\nWORKDIR /tmp\n# fetch the tool\nRUN set -eux; \\\n    wget -q ${URL}; \\\n    echo "${H}  tool-1.2.3.tgz" | sha256sum -c -; \\\n    tar -xzf tool-1.2.3.tgz -C /usr/local\n`;
      assert.deepStrictEqual(lines(text, RULE), [6]);
      assert.match(findings(text, RULE)[0].message, /rest of the RUN stays, byte for byte/);
      assert.strictEqual(applyFix(text), `# syntax=docker/dockerfile:1.7\nFROM debian\nWORKDIR /tmp\nADD --checksum=sha256:${H} --chmod=644 ${URL} /tmp/tool-1.2.3.tgz\n# fetch the tool\nRUN set -eux; \\\n    tar -xzf tool-1.2.3.tgz -C /usr/local\n`);
    });

    it('a lone chmod of the file folds into --chmod; a hash from an ARG and a URL with an ARG version', () => {
      const chmod = `FROM debian\nRUN curl -fsSL -o /usr/local/bin/tool https://example.com/v1.2.3/tool && echo "${H}  /usr/local/bin/tool" | sha256sum -c - && chmod +x /usr/local/bin/tool\n`;
      assert.match(applyFix(chmod), /\nADD --checksum=sha256:[0-9a-f]{64} --chmod=755 https:\/\/example\.com\/v1\.2\.3\/tool \/usr\/local\/bin\/tool\n$/);
      const args = `FROM debian\nARG VERSION=1.2.3\nARG SHA=${H}\nRUN curl -fsSL -o /tmp/t.tgz https://example.com/v\${VERSION}/t.tgz && echo "\${SHA}  /tmp/t.tgz" | sha256sum --check\n`;
      assert.match(applyFix(args), new RegExp(`\\nADD --checksum=sha256:${H} --chmod=644 https://example.com/v\\$\\{VERSION\\}/t.tgz /tmp/t.tgz\\n$`));
    });

    it('no hash at all: information, how to pin it, and no fix that invents one', () => {
      for (const text of [
        'FROM debian\nRUN wget https://example.com/tool-1.2.3.tar.gz\n',
        'FROM debian\nRUN curl -fsSL https://github.com/o/r/releases/download/v2/t.tar.gz | tar -xz -C /opt\n',
        'FROM debian\nRUN curl -fsSLO https://example.com/dl/tool_2.0.1_amd64.deb && dpkg -i tool_2.0.1_amd64.deb\n',
      ]) {
        const f = findings(text, RULE);
        assert.strictEqual(f.length, 1, text);
        assert.strictEqual(f[0].severity, 'information');
        assert.match(f[0].message, /Pin it: download it once, run `sha256sum`/);
        assert.match(f[0].message, /a made-up one would fail the build/);
        assert.deepStrictEqual(f[0].fixes ?? [], []);
      }
    });

    it('hash known but no safe fix, with the reason', () => {
      const noFix = (text: string, why: RegExp) => {
        const f = findings(text, RULE);
        assert.strictEqual(f.length, 1, text);
        assert.deepStrictEqual(f[0].fixes, []);
        assert.match(f[0].message, why);
      };
      const check = (file: string) => `echo "${H}  ${file}" | sha256sum -c -`;
      noFix(`FROM debian\nRUN curl -fsSL -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')} && tar -xzf /tmp/t.tgz -C /opt && rm /tmp/t.tgz\n`, /deletes \/tmp\/t\.tgz .* grow the image/);
      noFix(`FROM debian\nRUN curl -fsSL -H "Authorization: x" -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')}\n`, /ADD|option|flags|shell/);
      noFix(`FROM debian\nRUN --mount=type=secret,id=netrc curl -fsSL -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')}\n`, /flags \(--mount\)/);
      noFix(`FROM debian\nRUN mkdir -p /opt/t && curl -fsSL -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')}\n`, /commands before the download/);
      noFix(`# syntax=docker/dockerfile:1.4\nFROM debian\nRUN curl -fsSL -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')}\n`, /older than 1\.6/);
      noFix(`FROM debian\nUSER 1000\nRUN curl -fsSL -o /tmp/t.tgz ${URL} && ${check('/tmp/t.tgz')}\n`, /as root/);
      noFix(`FROM debian\nRUN V=1.2; curl -fsSL -o /tmp/t.tgz https://example.com/releases/download/$V/t.tgz && ${check('/tmp/t.tgz')}\n`, /shell sets|before the download/);
    });
  });

  describe('catches not', () => {
    it('verified against a downloaded checksum file or a signature', () => {
      assert.deepStrictEqual(lines(`FROM debian\nRUN curl -fsSLO ${URL} && curl -fsSLO ${URL}.sha256 && sha256sum -c tool-1.2.3.tgz.sha256\n`, RULE), []);
      assert.deepStrictEqual(lines(`FROM debian\nRUN curl -fsSLO ${URL} && curl -fsSLO ${URL}.asc && gpg --verify tool-1.2.3.tgz.asc\n`, RULE), []);
    });

    it('kept in a cache mount already', () => {
      assert.deepStrictEqual(lines(`FROM debian\nRUN --mount=type=cache,target=/downloads curl -fsSL -o /downloads/t.tgz ${URL}\n`, RULE), []);
    });

    it('unversioned URLs, installers piped to a shell, ADD --checksum itself', () => {
      assert.deepStrictEqual(lines('FROM debian\nRUN curl -fsSL -o /tmp/t.tgz https://example.com/latest/tool.tgz\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN curl -fsSL https://example.com/install.sh | sh\n', RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN curl -fsSL https://example.com/v1.2/install.sh | sh\n', RULE), []);
      assert.deepStrictEqual(lines(`# syntax=docker/dockerfile:1\nFROM debian\nADD --checksum=sha256:${H} ${URL} /tmp/t.tgz\n`, RULE), []);
      assert.deepStrictEqual(lines('FROM debian\nRUN echo https://example.com/tool-1.2.3.tgz\n', RULE), []);
    });

    it('Fix All leaves it alone (the fix is never preferred)', () => {
      const text = `FROM debian\nRUN curl -fsSL -o /tmp/t.tgz ${URL} && echo "${H}  /tmp/t.tgz" | sha256sum -c -\n`;
      assert.strictEqual(fixAll(DOCKERFILE, text).text, text);
    });
  });

  it('which # syntax= lines allow ADD --checksum', () => {
    assert.strictEqual(syntaxAllowsChecksum('docker/dockerfile:1'), 'yes');
    assert.strictEqual(syntaxAllowsChecksum('docker/dockerfile:1.6'), 'yes');
    assert.strictEqual(syntaxAllowsChecksum('docker.io/docker/dockerfile:1.10.0'), 'yes');
    assert.strictEqual(syntaxAllowsChecksum('docker/dockerfile:1.5-labs'), 'yes');
    assert.strictEqual(syntaxAllowsChecksum('docker/dockerfile:1.5'), 'no');
    assert.strictEqual(syntaxAllowsChecksum('docker/dockerfile:1.4.3'), 'no');
    assert.strictEqual(syntaxAllowsChecksum('example.com/frontend:2'), 'unknown');
  });
});

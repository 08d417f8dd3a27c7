import * as assert from 'assert';
import { syntaxAllowsHeredocs } from '../../../server/src/rules/heredoc-needs-syntax';
import { findings, lines } from '../../support/lint';

const RULE = 'heredoc-needs-syntax';
const HEREDOC = 'FROM alpine\nRUN <<EOF\napk add curl\nEOF\n';

describe(RULE, () => {
  describe('catches', () => {
    it('a RUN heredoc without a # syntax= line: information, why, what to add, and no fix', () => {
      assert.deepStrictEqual(lines(HEREDOC, RULE), [2]);
      const f = findings(HEREDOC, RULE)[0];
      assert.strictEqual(f.severity, 'information');
      assert.match(f.message, /built-in frontend.*Docker Engine 20\.10 and older.*does not know heredocs/);
      assert.match(f.message, /# syntax=docker\/dockerfile:1/);
      assert.match(f.message, /No automatic fix: /);
      assert.deepStrictEqual(f.fixes ?? [], []);
    });

    it('a # syntax= line naming a frontend before 1.4; COPY heredocs and later heredocs as related', () => {
      const text = '# syntax=docker/dockerfile:1.2\nFROM alpine\nCOPY <<EOF /etc/a.conf\nx=1\nEOF\nRUN cat <<EOF > /b\ny\nEOF\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /`# syntax=docker\/dockerfile:1\.2` line names a Dockerfile frontend older than 1\.4/);
      assert.deepStrictEqual(f.related?.map(r => r.range.start.line + 1), [6]);
    });
  });

  describe('catches not', () => {
    it('the same heredoc under a # syntax= line for 1.4 or later', () => {
      assert.deepStrictEqual(lines(`# syntax=docker/dockerfile:1\n${HEREDOC}`, RULE), []);
      assert.deepStrictEqual(lines(`# syntax=docker/dockerfile:1.4\n${HEREDOC}`, RULE), []);
    });

    it('a Dockerfile without heredocs (a shift operator in a quoted string is not a heredoc)', () => {
      assert.deepStrictEqual(lines('FROM alpine\nRUN echo hi\nCOPY a /a\n', RULE), []);
      assert.deepStrictEqual(lines('FROM alpine\nRUN echo "1 << 2" > /x\n', RULE), []);
    });
  });

  it('which # syntax= values parse heredocs', () => {
    const yes = ['docker/dockerfile:1', 'docker/dockerfile:1.4', 'docker/dockerfile:1.7.1', 'docker.io/docker/dockerfile:1.10', 'docker/dockerfile', 'docker/dockerfile:labs', 'docker/dockerfile:1.3-labs', 'docker/dockerfile-upstream:master'];
    const no = ['docker/dockerfile:1.0', 'docker/dockerfile:1.2', 'docker/dockerfile:1.3', 'docker/dockerfile:1.3.1'];
    const unknown = ['example.com/frontends/custom:2', 'docker/dockerfile@sha256:' + 'a'.repeat(64)];
    assert.deepStrictEqual(yes.map(syntaxAllowsHeredocs), yes.map(() => 'yes'));
    assert.deepStrictEqual(no.map(syntaxAllowsHeredocs), no.map(() => 'no'));
    assert.deepStrictEqual(unknown.map(syntaxAllowsHeredocs), unknown.map(() => 'unknown'));
  });
});

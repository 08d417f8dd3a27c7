import * as assert from 'assert';
import { applyFirstFix, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'pip-no-cache-dir';

describe(RULE, () => {
  describe('catches', () => {
    it('pip install --no-cache-dir: replaced by a cache mount', () => {
      const text = 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.strictEqual(f.range.start.character, 16);
      assert.match(f.message, /small/);
      assert.match(f.message, /re-downloads/);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n');
      fixAllChecked(text, RULE);
    });

    it('pip3, python -m pip, sudo pip and uv pip --no-cache', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN pip3 install --no-cache-dir a\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nRUN python3.11 -m pip install --no-cache-dir a\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nRUN sudo -H pip install --no-cache-dir a\n', RULE), [2]);
      assert.strictEqual(applyFirstFix('FROM x\nRUN uv pip install --no-cache -r r.txt\n', RULE), 'FROM x\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install -r r.txt\n');
    });

    it('the flag alone on a continuation line: the line goes, the continuation stays valid', () => {
      const text = 'FROM python:3\nRUN pip install \\\n    --no-cache-dir \\\n    -r requirements.txt\nCMD ["x"]\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install \\\n    -r requirements.txt\nCMD ["x"]\n');
    });

    it('the flag last on the last line: the escape before it goes too', () => {
      const text = 'FROM python:3\nRUN pip install -r requirements.txt \\\n    --no-cache-dir\nCMD ["x"]\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCMD ["x"]\n');
    });

    it('JSON exec form: the string and its comma go', () => {
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN ["pip", "install", "--no-cache-dir", "x"]\n', RULE),
        'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip ["pip", "install", "x"]\n');
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN ["pip", "install", "x", "--no-cache-dir"]\n', RULE),
        'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip ["pip", "install", "x"]\n');
    });

    it('inside sh -c and a heredoc, with CRLF', () => {
      assert.strictEqual(applyFirstFix("FROM python:3\nRUN sh -c 'pip install --no-cache-dir x'\n", RULE), "FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip sh -c 'pip install x'\n");
      assert.strictEqual(applyFirstFix('FROM python:3\r\nRUN <<EOF\r\npip install --no-cache-dir x\r\nEOF\r\n', RULE), 'FROM python:3\r\nRUN --mount=type=cache,target=/root/.cache/pip <<EOF\r\npip install x\r\nEOF\r\n');
    });

    it("pip's abbreviation --no-cache, before or after the subcommand, from $VENV/bin/pip: removed, not kept beside the mount", () => {
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN pip install --no-cache x\n', RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n');
      assert.strictEqual(applyFirstFix('FROM python:3\nRUN pip --no-cache-dir install x\n', RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n');
      const venv = 'FROM python:3\nRUN python -m venv /v && $VENV/bin/pip install --no-cache x\n';
      assert.strictEqual(applyFirstFix(venv, RULE), 'FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip python -m venv /v && $VENV/bin/pip install x\n');
      fixAllChecked(venv, RULE);
    });

    it('a non-root user with a known uid', () => {
      const text = 'FROM python:3\nRUN useradd -u 1000 -m app\nUSER app\nRUN pip install --user --no-cache-dir x\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3\nRUN useradd -u 1000 -m app\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user x\n');
    });
  });

  describe('catches not', () => {
    it('--no-cache-dir with the cache mount already there (that is cache-mount-defeated)', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir a\n', RULE), []);
    });

    it('other tools\' --no-cache and the text in an echo', () => {
      assert.deepStrictEqual(lines('FROM alpine\nRUN apk add --no-cache curl\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN echo "pip install --no-cache-dir"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN pip install a\n', RULE), []);
    });

    it('local wheels (--no-index): nothing is downloaded, so no cache advice at all', () => {
      const text = 'FROM python:3\nRUN pip install --no-index --find-links /wheels --no-cache-dir x\n';
      assert.deepStrictEqual(lines(text, RULE), []);
      assert.deepStrictEqual(lines(text, 'missing-cache-mount'), []);
      assert.deepStrictEqual(lines('FROM python:3\nENV PIP_NO_INDEX=1\nRUN pip install --find-links /wheels --no-cache-dir x\n', RULE), []);
    });

    it('--no-c is not --no-cache-dir (pip finds it ambiguous)', () => {
      assert.deepStrictEqual(lines('FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install --no-compile x\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nRUN pip install --no-c x\n', RULE), []);
    });

    it('a suppression comment', () => {
      assert.deepStrictEqual(lines('FROM x\n# cache-advisor ignore=pip-no-cache-dir,missing-cache-mount\nRUN pip install --no-cache-dir a\n', RULE), []);
    });
  });
});

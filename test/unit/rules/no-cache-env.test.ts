import * as assert from 'assert';
import { applyFirstFix, df, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'no-cache-env';

describe(RULE, () => {
  describe('catches', () => {
    it('ENV PIP_NO_CACHE_DIR=1 alone: the line goes and the installs get a mount', () => {
      const text = 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      assert.match(findings(text, RULE)[0].message, /any value/);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n');
      fixAllChecked(text, RULE);
    });

    it('the multi-variable form with continuations keeps the other variables', () => {
      const text = df`
        FROM python:3.12
        ENV A=1 \
            PIP_NO_CACHE_DIR=1 \
            B=2
        RUN --mount=type=cache,target=/root/.cache/pip pip install x
      `;
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM python:3.12
        ENV A=1 \
            B=2
        RUN --mount=type=cache,target=/root/.cache/pip pip install x
      `);
      const first = 'FROM python:3\nENV PIP_NO_CACHE_DIR=off \\\n    PYTHONUNBUFFERED=1\n';
      assert.strictEqual(applyFirstFix(first, RULE), 'FROM python:3\nENV PYTHONUNBUFFERED=1\n');
      const last = 'FROM python:3\nENV PYTHONUNBUFFERED=1 \\\n    PIP_NO_CACHE_DIR=1\nCMD ["x"]\n';
      assert.strictEqual(applyFirstFix(last, RULE), 'FROM python:3\nENV PYTHONUNBUFFERED=1\nCMD ["x"]\n');
    });

    it('any value (0, false), the legacy `ENV NAME value` form, ARG and UV_NO_CACHE', () => {
      assert.deepStrictEqual(lines('FROM x\nENV PIP_NO_CACHE_DIR=0\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nENV PIP_NO_CACHE_DIR false\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nARG PIP_NO_CACHE_DIR=1\n', RULE), [2]);
      assert.strictEqual(applyFirstFix('FROM x\nENV UV_NO_CACHE=1\nRUN uv sync --no-install-project\n', RULE), 'FROM x\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --no-install-project\n');
    });

    it('reaches installs in stages built on this one, not in unrelated stages', () => {
      const text = df`
        FROM python:3 AS base
        ENV PIP_NO_CACHE_DIR=1
        FROM base AS app
        RUN pip install a
        FROM python:3 AS other
        RUN pip install b
      `;
      const out = applyFirstFix(text, RULE);
      assert.strictEqual(out, df`
        FROM python:3 AS base
        FROM base AS app
        RUN --mount=type=cache,target=/root/.cache/pip pip install a
        FROM python:3 AS other
        RUN pip install b
      `);
      assert.deepStrictEqual(findings(text, RULE)[0].related?.map(r => r.range.start.line + 1), [4]);
    });

    it('CRLF files', () => {
      assert.strictEqual(applyFirstFix('FROM x\r\nENV A=1 PIP_NO_CACHE_DIR=1\r\nRUN echo\r\n', RULE), 'FROM x\r\nENV A=1\r\nRUN echo\r\n');
    });
  });

  describe('catches not', () => {
    it('other pip variables and the name inside a value', () => {
      assert.deepStrictEqual(lines('FROM x\nENV PIP_CACHE_DIR=/c PIP_NO_INPUT=1 NOTE="PIP_NO_CACHE_DIR=1"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN PIP_NO_CACHE_DIR=1 pip install a\n', RULE), []);
    });

    it('a suppression comment', () => {
      assert.deepStrictEqual(lines('FROM x\n# cache-advisor ignore=no-cache-env\nENV PIP_NO_CACHE_DIR=1\n', RULE), []);
    });
  });
});

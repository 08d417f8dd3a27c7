import * as assert from 'assert';
import { analyze, classifySource, expandVars } from '../../../common/analysis/analyze';
import { parseMountValue } from '../../../common/analysis/mounts';

const run = (text: string, n = 0) => analyze(text).instructions.filter(i => i.run)[n];
const words = (text: string, n = 0) => run(text, n).run!.script.commands.map(c => c.words.map(w => w.value ?? `<${w.text}>`).join(' '));

describe('analysis', () => {
  describe('RUN shell commands', () => {
    it('splits &&, ||, ;, pipes, subshells and keeps quoted operators inside words', () => {
      assert.deepStrictEqual(words('FROM x\nRUN a && b || c; d | e && (f) && echo "g && h" \'i;j\'\n'), ['a', 'b', 'c', 'd', 'e', 'f', 'echo g && h i;j']);
    });

    it('joins line continuations and skips comment lines inside them, with exact ranges', () => {
      const text = 'FROM x\nRUN apt-get update \\\n  # a comment\n  && pip install \\\n     flask\n';
      const cmds = run(text).run!.script.commands;
      assert.deepStrictEqual(cmds.map(c => c.words.map(w => w.value).join(' ')), ['apt-get update', 'pip install flask']);
      const flask = cmds[1].words[2];
      assert.strictEqual(text.slice(flask.start, flask.end), 'flask');
    });

    it('reads sh -c scripts, heredoc scripts (not python heredocs) and exec form', () => {
      assert.deepStrictEqual(words("FROM x\nRUN sh -c 'pip install a && npm ci'\n"), ['sh -c pip install a && npm ci', 'pip install a', 'npm ci']);
      assert.deepStrictEqual(words('FROM x\nRUN <<EOF\npip install a\nEOF\n'), ['pip install a']);
      assert.deepStrictEqual(words('FROM x\nRUN python3 <<EOF\nimport os\nEOF\n'), ['python3']);
      assert.deepStrictEqual(words('FROM x\nRUN ["sh", "-c", "pip install a"]\n'), ['sh -c pip install a', 'pip install a']);
      const text = "FROM x\nRUN sh -c 'pip install --no-cache-dir a'\n";
      const w = run(text).run!.script.commands[1].words[2];
      assert.strictEqual(text.slice(w.start, w.end), '--no-cache-dir');
    });

    it('marks words with expansions as dynamic and survives shell syntax errors', () => {
      assert.deepStrictEqual(words('FROM x\nRUN pip install "$PKG" a\n'), ['pip install <"$PKG"> a']);
      const broken = run("FROM x\nRUN echo 'unterminated\n").run!;
      assert.ok(broken.script.error);
    });

    it('maps ranges correctly after non-ASCII text', () => {
      const text = 'FROM x\nRUN echo "héllo ✓" && pip install --no-cache-dir a\n';
      const inv = run(text).run!.invocations[0];
      const w = inv.noCacheWords[0];
      assert.strictEqual(text.slice(w.start, w.end), '--no-cache-dir');
    });
  });

  describe('--mount flags', () => {
    it('parses options in any order with target/dst/destination aliases', () => {
      const m = parseMountValue('sharing=locked,dst=/var/cache/apt,type=cache,id=apt,uid=1000,gid=1000', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.deepStrictEqual([m.type, m.target, m.id, m.sharing, m.uid, m.gid], ['cache', '/var/cache/apt', 'apt', 'locked', '1000', '1000']);
      assert.strictEqual(parseMountValue('target=/x', m.range).type, 'bind');
      assert.strictEqual(parseMountValue('type=bind,source=req.txt,destination=/r,from=build,ro', m.range).readonly, true);
      assert.strictEqual(run('FROM x\nRUN --mount=type=cache,target=/a --mount=type=secret,id=s pip install a\n').run!.mounts.length, 2);
    });
  });

  describe('stages, users, env and workdir', () => {
    it('resolves users: root, useradd -m -u, USER uid:gid, HOME, and inheritance from a parent stage', () => {
      const m = analyze('FROM x AS base\nRUN useradd -m -u 1234 -d /srv/app app\nUSER app\nFROM base\nRUN echo\nUSER 5000:6000\nRUN echo\nUSER root\nENV HOME=/home/r\nRUN echo\n');
      const runs = m.instructions.filter(i => i.run);
      assert.deepStrictEqual([runs[1].user.name, runs[1].user.uid, runs[1].user.home], ['app', 1234, '/srv/app']);
      assert.deepStrictEqual([runs[2].user.uid, runs[2].user.gid, runs[2].user.root], [5000, 6000, false]);
      assert.strictEqual(runs[3].user.home, '/home/r');
      assert.strictEqual(m.stages[1].parent, 0);
    });

    it('tracks ENV/ARG in scope with expansion, global ARGs and WORKDIR', () => {
      const m = analyze('ARG PY=3.12\nFROM python:${PY} AS b\nARG PY\nARG X=1\nENV Y=${X}0 Z=$Y\nWORKDIR app\nWORKDIR ../srv\nRUN echo\n');
      const r = m.instructions.find(i => i.run)!;
      assert.strictEqual(m.stages[0].image, 'python:3.12');
      assert.strictEqual(r.env.get('PY'), '3.12');
      assert.strictEqual(r.env.get('Y'), '10');
      assert.strictEqual(r.env.get('Z'), '', 'ENV assignments on one line see the values before the line');
      assert.strictEqual(r.workdir, '/srv');
    });

    it('expands ${VAR:-default} and ${VAR:+alt}, unknown ARG values are unknown', () => {
      const env = new Map<string, string | undefined>([['A', 'a'], ['E', ''], ['U', undefined]]);
      assert.strictEqual(expandVars('${A:-x}/${E:-d}/${A:+y}/${E:+z}/$A', env), 'a/d/y//a');
      assert.strictEqual(expandVars('/x/$U', env), undefined);
    });

    it('classifies COPY sources', () => {
      const kinds = ['.', './', 'src/', 'app', '*.py', 'main.go', 'requirements.txt', 'package*.json', 'go.*', 'nginx.conf', 'Gemfile', '*.csproj'].map(classifySource);
      assert.deepStrictEqual(kinds, ['context', 'context', 'directory', 'directory', 'glob', 'source-file', 'manifest', 'manifest', 'manifest', 'file', 'manifest', 'manifest']);
    });

    it('reads suppression comments for the instruction below, through other comments', () => {
      const m = analyze('FROM x\n# cache-advisor ignore=a, b\n# why: reasons\nRUN echo\n# cache-advisor global ignore=c\n');
      assert.deepStrictEqual([...m.ignoredAt.get(3)!], ['a', 'b']);
      assert.deepStrictEqual([...m.ignoredGlobally], ['c']);
    });
  });
});

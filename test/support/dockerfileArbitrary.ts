/**
 * fast-check arbitraries that generate Dockerfiles from a grammar: every instruction, flags in any
 * order, `--mount` option soup, heredocs, continuations with comments in between, `# escape=`,
 * CRLF and mixed line endings, JSON exec form (valid and broken), Unicode, long lines, binary bytes.
 */
import fc from 'fast-check';

const word = fc.constantFrom('a', 'app', 'src', 'x_1', 'héllo', '✓', 'pkg-name', '$HOME', '${VAR:-d}', '"q u"', "'s q'", '\\$x');
const path = fc.constantFrom('.', './', 'src/', '*.py', 'requirements.txt', 'package.json', 'package*.json', 'go.mod', 'app', '/app', '/app/', 'a b.txt', 'Gemfile', '..', '');
const managerCommand = fc.constantFrom(
  'pip install -r requirements.txt', 'pip install --no-cache-dir -r requirements.txt', 'pip3 install flask', 'python -m pip install --no-cache-dir .',
  'pip install -e .', 'uv pip install --no-cache -r r.txt', 'uv sync', 'poetry install --no-root', 'npm ci', 'npm install', 'yarn install', 'pnpm install',
  'go mod download', 'go build ./...', 'cargo build --release', 'cargo fetch', 'mvn -B package', 'mvn dependency:go-offline', 'gradle build',
  'bundle install', 'composer install', 'dotnet restore', 'conda env create -f environment.yml', 'apt-get update', 'apt-get install -y curl',
  'apt-get clean', 'apk add --no-cache curl', 'apk update', 'npm cache clean --force', 'rm -rf /root/.cache/pip', 'useradd -m -u 1000 app',
  'huggingface-cli download org/model', 'curl -fsSL https://example.com/x.tgz -o /x.tgz', 'wget https://example.com/m.bin', 'echo hi', 'true',
  // model downloads and checksum-verified downloads (model-download-without-cache, download-without-checksum)
  `python -c "from transformers import AutoModel; AutoModel.from_pretrained('org/m')"`, 'python3 -c "import nltk; nltk.download(\'punkt\')"',
  'python -m nltk.downloader punkt', 'python -m spacy download en_core_web_sm', 'python download.py', 'hf download org/m --local-dir /m',
  'curl -fsSL -o /tmp/t.tgz https://example.com/v1.2.3/t.tgz', 'wget -q https://example.com/releases/download/v2/t.tgz',
  `echo "${'ab'.repeat(32)}  /tmp/t.tgz" | sha256sum -c -`,
  `curl -fsSL -o /tmp/t.tgz https://example.com/v1.2.3/t.tgz && echo "${'ab'.repeat(32)}  /tmp/t.tgz" | sha256sum -c -`, 'tar -xzf /tmp/t.tgz -C /opt', 'chmod +x /tmp/t.tgz', 'rm /tmp/t.tgz', 'set -eux',
);
const op = fc.constantFrom(' && ', ' || ', '; ', ' | ', ' &&\t');

const mountOpts = fc
  .subarray(['type=cache', 'type=bind', 'type=secret', 'type=tmpfs', 'target=/root/.cache/pip', 'dst=/root/.npm', 'destination=/var/cache/apt', 'id=pip', 'sharing=locked', 'sharing=shared', 'uid=1000', 'gid=1000', 'mode=0777', 'from=build', 'source=requirements.txt', 'ro', 'rw=false', '=', ',,', 'target'], { minLength: 0, maxLength: 6 })
  .chain(opts => fc.shuffledSubarray(opts, { minLength: opts.length, maxLength: opts.length }))
  .map(opts => `--mount=${opts.join(',')}`);
const runFlag = fc.oneof(mountOpts, fc.constantFrom('--network=none', '--security=insecure', '--mount', '--'));

export interface Style {
  readonly escape: '\\' | '`';
  readonly eol: () => string;
}

function shellLine(style: Style) {
  return fc.array(fc.tuple(managerCommand, op), { minLength: 1, maxLength: 4 }).chain(parts =>
    fc.array(fc.boolean(), { minLength: parts.length, maxLength: parts.length }).chain(breaks =>
      fc.constantFrom('', '  # a comment between continuation lines', '#', '   ').map(comment => {
        let out = '';
        parts.forEach(([cmd, sep], i) => {
          out += cmd;
          if (i < parts.length - 1) {
            // a continuation: escape + newline, sometimes a comment line inside it
            out += breaks[i] ? ` ${style.escape}${style.eol()}${comment ? comment + style.eol() : ''}    ${sep.trim()} ` : sep;
          }
        });
        return out;
      }),
    ),
  );
}

function runInstruction(style: Style) {
  const heredoc = fc.tuple(fc.constantFrom('<<EOF', '<<-EOF', "<<'EOF'", '<<"EOF"', 'bash <<EOF', 'python3 <<EOF'), fc.array(managerCommand, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([open, lines, tabbed]) => {
      const ind = open.includes('-') && tabbed ? '\t' : '';
      return `${open}${style.eol()}${lines.map(l => ind + l).join(style.eol())}${style.eol()}${ind}EOF`;
    });
  const exec = fc.tuple(managerCommand, fc.boolean()).map(([cmd, broken]) => {
    const json = JSON.stringify(cmd.split(' '));
    return broken ? json.slice(0, Math.max(1, json.length - 2)) : json;
  });
  const shC = managerCommand.map(c => `sh -c '${c}'`);
  return fc.tuple(fc.array(runFlag, { maxLength: 3 }), fc.oneof({ weight: 5, arbitrary: shellLine(style) }, heredoc, exec, shC))
    .map(([flags, body]) => `RUN ${flags.map(f => f + ' ').join('')}${body}`);
}

function instruction(style: Style) {
  return fc.oneof(
    { weight: 6, arbitrary: runInstruction(style) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('COPY', 'ADD', 'copy'), fc.array(fc.constantFrom('--chown=app:app', '--chmod=644', '--link', '--from=build', '--from=0', '--parents', '--exclude=*.md'), { maxLength: 2 }), fc.array(path, { minLength: 1, maxLength: 3 }), path)
      .map(([k, flags, srcs, dest]) => `${k} ${[...flags, ...srcs, dest].join(' ')}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('COPY', 'ADD'), path).map(([k, d]) => `${k} <<EOF ${d || '/x'}${style.eol()}content${style.eol()}EOF`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('PIP_NO_CACHE_DIR', 'UV_NO_CACHE', 'PIP_CACHE_DIR', 'XDG_CACHE_HOME', 'HOME', 'npm_config_cache', 'GOCACHE', 'A', 'B'), fc.constantFrom('1', '0', 'false', '/c', '"a b"', '$HOME/x', '')).chain(([n, v]) =>
      fc.constantFrom(`ENV ${n}=${v}`, `ENV ${n} ${v || 'x'}`, `ENV A=1 ${style.escape}${style.eol()}    ${n}=${v} ${style.escape}${style.eol()}    B=2`, `ARG ${n}=${v}`, `ARG ${n}`)) },
    { weight: 1, arbitrary: fc.constantFrom('WORKDIR /app', 'WORKDIR src', 'WORKDIR $HOME', 'USER app', 'USER 1000:1000', 'USER root', 'USER node', 'CMD ["python", "app.py"]', 'CMD python app.py', 'ENTRYPOINT ["x"', 'EXPOSE 80', 'LABEL a="b c"', 'HEALTHCHECK CMD true', 'SHELL ["/bin/bash", "-c"]', 'STOPSIGNAL 9', 'VOLUME /data', 'ONBUILD RUN pip install x', 'ONBUILD COPY . .', 'ARG GIT_COMMIT', 'LABEL rev=$GIT_COMMIT') },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('python:3.12', 'node:20', 'debian', '$BASE', 'build', 'scratch', 'a:b@sha256:00'), fc.constantFrom('', ' AS build', ' as base', ' AS', ' --platform=linux/amd64')).map(([i, a]) => `FROM ${i}${a}`) },
    { weight: 1, arbitrary: fc.constantFrom('# a comment', '# cache-advisor ignore=copy-before-install', '# cache-advisor ignore=missing-cache-mount,pip-no-cache-dir', '# cache-advisor global ignore=no-cache-env', '', '   ', '\t# tabbed') },
    { weight: 1, arbitrary: word.map(w => `RUN echo ${w.repeat(50)}`) },
  );
}

/** A whole Dockerfile from the grammar. */
export const dockerfile = fc
  .record({
    escape: fc.constantFrom<'\\' | '`'>('\\', '\\', '`'),
    eolKind: fc.constantFrom('lf', 'lf', 'crlf', 'mixed'),
    seed: fc.integer(),
  })
  .chain(({ escape, eolKind, seed }) => {
    let n = seed;
    const style: Style = {
      escape,
      eol: () => (eolKind === 'lf' ? '\n' : eolKind === 'crlf' ? '\r\n' : (n = (n * 1103515245 + 12345) & 0x7fffffff) % 2 ? '\n' : '\r\n'),
    };
    return fc.tuple(
      fc.constantFrom('', '', `# escape=${escape}`, '# syntax=docker/dockerfile:1'),
      fc.array(instruction(style), { minLength: 0, maxLength: 14 }),
      fc.boolean(),
    ).map(([directive, body, finalEol]) => {
      const lines = [directive, 'FROM python:3.12', ...body].filter((l, i) => i > 0 || l !== '');
      return lines.join(style.eol()) + (finalEol ? style.eol() : '');
    });
  });

/** Anything at all: Unicode, binary bytes, very long lines. */
export const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b).toString('latin1')),
  fc.integer({ min: 1000, max: 20000 }).map(n => 'FROM x\nRUN echo ' + 'a'.repeat(n) + ' && pip install y'),
);

/** Mutations of a real file: delete, duplicate or swap lines, or cut at an offset. */
export function mutated(text: string) {
  const lines = text.split(/(?<=\n)/);
  return fc.oneof(
    fc.nat({ max: Math.max(0, lines.length - 1) }).map(i => lines.filter((_, k) => k !== i).join('')),
    fc.nat({ max: Math.max(0, lines.length - 1) }).map(i => lines.flatMap((l, k) => (k === i ? [l, l] : [l])).join('')),
    fc.tuple(fc.nat({ max: Math.max(0, lines.length - 1) }), fc.nat({ max: Math.max(0, lines.length - 1) })).map(([a, b]) => {
      const c = [...lines];
      [c[a], c[b]] = [c[b], c[a]];
      return c.join('');
    }),
    fc.nat({ max: text.length }).map(at => text.slice(0, at)),
  );
}

import * as assert from 'assert';
import { applyFirstFix, contextWith, df, findings, fixAllChecked, lines } from '../../support/lint';

const RULE = 'copy-before-download';

describe(RULE, () => {
  describe('catches', () => {
    it('COPY . . above huggingface-cli download: the download moves above the COPY', () => {
      const text = df`
        FROM python:3.12
        WORKDIR /app
        COPY . .
        RUN huggingface-cli download org/model --local-dir /models/m
        CMD ["python", "app.py"]
      `;
      assert.deepStrictEqual(lines(text, RULE), [3]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /huggingface-cli download/);
      assert.match(f.message, /every code change/);
      assert.strictEqual(f.related?.[0].range.start.line, 3);
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM python:3.12
        WORKDIR /app
        RUN huggingface-cli download org/model --local-dir /models/m
        COPY . .
        CMD ["python", "app.py"]
      `);
      fixAllChecked(text, RULE);
    });

    it('every kind of model download in Python code and modules', () => {
      const cases = [
        `RUN python -c "from huggingface_hub import snapshot_download; snapshot_download('org/m')"`,
        `RUN python3 -c "from transformers import AutoModel; AutoModel.from_pretrained('bert-base-uncased')"`,
        `RUN python -c "import open_clip; open_clip.create_model_and_transforms('ViT-B-32', pretrained='laion2b_s34b_b79k')"`,
        `RUN python -c "import torch; torch.hub.load('pytorch/vision', 'resnet50')"`,
        `RUN python -c "from sentence_transformers import SentenceTransformer; SentenceTransformer('all-MiniLM-L6-v2')"`,
        'RUN python -m spacy download en_core_web_sm',
        `RUN python -c "import nltk; nltk.download('punkt')"`,
        'RUN hf download org/model',
        'RUN uv run python -m spacy download en_core_web_sm',
      ];
      for (const run of cases) assert.deepStrictEqual(lines(`FROM python:3\nWORKDIR /app\nCOPY . .\n${run}\n`, RULE), [3], run);
    });

    it('python heredoc that calls from_pretrained', () => {
      const text = 'FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python3 <<EOF\nfrom transformers import AutoModel\nAutoModel.from_pretrained("bert-base-uncased")\nEOF\nCMD ["x"]\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3\nWORKDIR /app\nRUN python3 <<EOF\nfrom transformers import AutoModel\nAutoModel.from_pretrained("bert-base-uncased")\nEOF\nCOPY . .\nCMD ["x"]\n');
    });

    it('curl and wget of remote files, ADD <url>, source globs such as worker/*.py', () => {
      assert.deepStrictEqual(lines('FROM x\nCOPY . /app\nRUN curl -fsSL -o /opt/w.bin https://example.com/w.bin\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nCOPY worker/*.py /app/worker/\nRUN wget -q https://example.com/big.tar.gz -O /tmp/big.tgz && tar xzf /tmp/big.tgz -C /opt\n', RULE), [2]);
      assert.deepStrictEqual(lines('FROM x\nCOPY src/ /app/src/\nADD https://example.com/model.onnx /models/\n', RULE), [2]);
    });

    it('the ENV/ARG lines the download needs and the tools it installs move with it, in order', () => {
      const text = df`
        FROM python:3.12
        WORKDIR /app
        COPY . .
        LABEL maintainer=me
        ARG MODEL=org/model
        RUN pip install huggingface_hub
        ENV HF_HOME=/models
        RUN huggingface-cli download $MODEL
        CMD ["python", "app.py"]
      `;
      assert.strictEqual(applyFirstFix(text, RULE), df`
        FROM python:3.12
        WORKDIR /app
        ARG MODEL=org/model
        RUN pip install huggingface_hub
        ENV HF_HOME=/models
        RUN huggingface-cli download $MODEL
        COPY . .
        LABEL maintainer=me
        CMD ["python", "app.py"]
      `);
      fixAllChecked(text, RULE);
    });

    it('comments above the download move with it; CRLF is kept', () => {
      const text = 'FROM x\r\nCOPY . /app\r\n# weights\r\nRUN wget https://example.com/w.bin -O /w.bin\r\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM x\r\n# weights\r\nRUN wget https://example.com/w.bin -O /w.bin\r\nCOPY . /app\r\n');
    });

    it('`# escape=` files and a download at the end of a file with no final newline', () => {
      const text = '# escape=`\nFROM x\nCOPY . /app\nRUN curl -o /w https://e.com/w `\n  && echo done';
      assert.strictEqual(applyFirstFix(text, RULE), '# escape=`\nFROM x\nRUN curl -o /w https://e.com/w `\n  && echo done\nCOPY . /app\n');
    });

    it('multi-stage: only the stage with the COPY', () => {
      const text = 'FROM python:3 AS build\nWORKDIR /app\nCOPY . .\nRUN python -m spacy download en_core_web_sm\nFROM python:3\nRUN python -m spacy download en_core_web_sm\n';
      assert.deepStrictEqual(lines(text, RULE), [3]);
    });

    it('a non-root USER before the COPY: still caught, the download keeps its user', () => {
      const text = 'FROM python:3\nRUN useradd -m app\nUSER app\nWORKDIR /home/app\nCOPY --chown=app . .\nRUN huggingface-cli download org/m\n';
      assert.strictEqual(applyFirstFix(text, RULE), 'FROM python:3\nRUN useradd -m app\nUSER app\nWORKDIR /home/app\nRUN huggingface-cli download org/m\nCOPY --chown=app . .\n');
    });

    it('a RUN that needs the copied files before the download: reported, no automatic fix', () => {
      const text = 'FROM python:3\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN huggingface-cli download org/m\n';
      const f = findings(text, RULE)[0];
      assert.ok(f);
      assert.deepStrictEqual(f.fixes, []);
      assert.match(f.message, /No automatic fix/);
    });
  });

  describe('no fix when the download needs what the COPY makes', () => {
    const ws = contextWith('app.py', 'models/README');
    it('a download into a folder the COPY creates: reported, no fix (moved up, wget would find no models/)', () => {
      const text = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN wget -O models/m.bin https://example.com/m.bin\n';
      const f = findings(text, RULE, ws);
      assert.strictEqual(f.length, 1);
      assert.deepStrictEqual(f[0].fixes, []);
      assert.match(f[0].message, /No automatic fix: .* writes into \/app\/models, which the COPY on line 3 creates/);
    });

    it('twin: the same download into /opt, or into a folder the RUN makes itself, moves up', () => {
      assert.strictEqual(findings('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN wget -O /opt/m.bin https://example.com/m.bin\n', RULE, ws)[0].fixes?.length, 1);
      assert.strictEqual(findings('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN mkdir -p cache && curl -o cache/m.bin https://example.com/m.bin\n', RULE, ws)[0].fixes?.length, 1);
    });

    it('a download the COPY would overwrite once moved above it: no fix', () => {
      const f = findings('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN wget -P models https://example.com/m.bin\n', RULE, ws);
      assert.deepStrictEqual(f[0].fixes, []);
      assert.match(f[0].message, /would overwrite/);
    });
  });

  describe('catches not', () => {
    it('the RUN runs a script that came from the COPY (python download.py)', () => {
      assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python download.py && huggingface-cli download org/m\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY download.py .\nRUN python download.py\n', RULE), []);
    });

    it('the RUN installs a requirements file from the COPY', () => {
      assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && python -m spacy download en_core_web_sm\n', RULE), []);
    });

    it('from_pretrained of a local, copied directory', () => {
      assert.deepStrictEqual(lines(`FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python -c "from transformers import AutoModel; AutoModel.from_pretrained('./weights')"\n`, RULE), []);
    });

    it('with a context listing, a path that is not in the context does not count as a read', () => {
      const text = 'FROM x\nWORKDIR /app\nCOPY . .\nRUN wget https://e.com/m.bin -O m.bin && sha256sum m.bin && cat extra.txt\n';
      assert.deepStrictEqual(lines(text, RULE, contextWith('app.py')), [3]);
      assert.deepStrictEqual(lines(text, RULE, contextWith('app.py', 'extra.txt')), []);
    });

    it('the download is already above the COPY; COPY --from; downloads of local URLs are not commands', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN curl -o /w https://e.com/w\nCOPY . /app\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nCOPY --from=build /out /app\nRUN curl -o /w https://e.com/w\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nCOPY . /app\nRUN echo https://e.com/w && curl --version\n', RULE), []);
    });

    it('a COPY of manifests only is not code', () => {
      assert.deepStrictEqual(lines('FROM x\nCOPY requirements.txt /app/\nRUN curl -o /w https://e.com/w\n', RULE), []);
    });

    it('JSON exec form of a script from the COPY', () => {
      assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN ["python", "fetch_models.py"]\n', RULE), []);
      assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN ["python", "-m", "spacy", "download", "en_core_web_sm"]\n', RULE), [3]);
    });
  });
});

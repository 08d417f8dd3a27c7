import * as assert from 'assert';
import { applyFirstFix, findings, fixAllChecked, lines } from '../../support/lint';
import type { WorkspaceFacts } from '../../../server/src/rules/types';

const RULE = 'model-download-without-cache';

/** The cache-mount target the fix chose (it carries a per-command hash). */
const mountOf = (fixed: string) => /--mount=type=cache,target=(\/tmp\/model-cache\/[a-z]+-[0-9a-f]{8})/.exec(fixed)?.[1] ?? '';

const withScript = (path: string, text: string): WorkspaceFacts => ({ contextFiles: new Set([path]), contextDirs: new Set(), modelScripts: { [path]: text } });

describe(RULE, () => {
  describe('catches', () => {
    it('huggingface-cli download: downloads into a cache mount, then copies into the hub cache of the image', () => {
      const text = 'FROM python:3.12\nRUN huggingface-cli download org/model\nCMD ["python"]\n';
      assert.deepStrictEqual(lines(text, RULE), [2]);
      const f = findings(text, RULE)[0];
      assert.match(f.message, /\/root\/\.cache\/huggingface\/hub/);
      assert.match(f.message, /Trade-off: the image stays as large as before/);
      const out = applyFirstFix(text, RULE);
      const m = mountOf(out);
      assert.ok(m.startsWith('/tmp/model-cache/hf-'), out);
      assert.strictEqual(out, `FROM python:3.12\nRUN --mount=type=cache,target=${m} HF_HUB_CACHE=${m} huggingface-cli download org/model && mkdir -p /root/.cache/huggingface/hub && cp -a ${m}/. /root/.cache/huggingface/hub/\nCMD ["python"]\n`);
      fixAllChecked(text, RULE);
    });

    it('the second fix mounts the store itself and says the image then lacks the model', () => {
      const text = 'FROM python:3.12\nRUN hf download org/model\n';
      const fix = findings(text, RULE)[0].fixes![1];
      assert.strictEqual(fix.preferred, false);
      assert.match(fix.title, /image will not contain the model/);
      assert.strictEqual(fix.edits[0].newText, '--mount=type=cache,target=/root/.cache/huggingface/hub ');
    });

    it('HF_HOME in ENV: the copy goes to $HF_HOME/hub; TRANSFORMERS_CACHE wins for from_pretrained and is the variable set', () => {
      const hfHome = 'FROM python:3.12\nENV HF_HOME=/models\nRUN python -c "from huggingface_hub import snapshot_download; snapshot_download(\'org/m\')"\n';
      const out = applyFirstFix(hfHome, RULE);
      assert.match(out, /HF_HUB_CACHE=\/tmp\/model-cache\/hf-[0-9a-f]{8} python -c/);
      assert.match(out, /mkdir -p \/models\/hub && cp -a \/tmp\/model-cache\/hf-[0-9a-f]{8}\/\. \/models\/hub\/\n$/);
      const tc = 'FROM python:3.12\nENV TRANSFORMERS_CACHE=/cache/tf\nRUN python -c "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\')"\n';
      const out2 = applyFirstFix(tc, RULE);
      assert.match(out2, /TRANSFORMERS_CACHE=\/tmp\/model-cache\/hf-[0-9a-f]{8} python -c/);
      assert.match(out2, /cp -a \/tmp\/model-cache\/hf-[0-9a-f]{8}\/\. \/cache\/tf\/\n$/);
      fixAllChecked(tc, RULE);
    });

    it("a non-root USER: the store is in that user's home, the mount carries uid/gid", () => {
      const text = 'FROM python:3.12\nRUN useradd -m -u 1000 app\nUSER app\nRUN python -c "import torch; torch.hub.load(\'pytorch/vision\', \'resnet18\')"\n';
      const out = applyFirstFix(text, RULE);
      assert.match(out, /--mount=type=cache,target=\/tmp\/model-cache\/torch-[0-9a-f]{8},uid=1000 TORCH_HOME=/);
      assert.match(out, /mkdir -p \/home\/app\/\.cache\/torch && cp -a /);
    });

    it('torch hub with TORCH_HOME, NLTK with NLTK_DATA, sentence-transformers with and without its own home', () => {
      assert.match(applyFirstFix('FROM x\nENV TORCH_HOME=/opt/torch\nRUN python3 -c "import torch; torch.hub.load(\'a/b\', \'c\')"\n', RULE), /cp -a \/tmp\/model-cache\/torch-[0-9a-f]{8}\/\. \/opt\/torch\//);
      assert.match(applyFirstFix('FROM x\nRUN python -m nltk.downloader punkt\n', RULE), /NLTK_DATA=\/tmp\/model-cache\/nltk-[0-9a-f]{8} python -m nltk.downloader punkt && mkdir -p \/root\/nltk_data/);
      assert.match(applyFirstFix('FROM x\nENV NLTK_DATA=/usr/share/nltk_data\nRUN python -c "import nltk; nltk.download(\'punkt\')"\n', RULE), /cp -a \/tmp\/model-cache\/nltk-[0-9a-f]{8}\/\. \/usr\/share\/nltk_data\//);
      assert.match(applyFirstFix('FROM x\nENV SENTENCE_TRANSFORMERS_HOME=/st\nRUN python -c "from sentence_transformers import SentenceTransformer; SentenceTransformer(\'all-MiniLM-L6-v2\')"\n', RULE), /SENTENCE_TRANSFORMERS_HOME=\/tmp\/model-cache\/st-[0-9a-f]{8} python -c .* cp -a \/tmp\/model-cache\/st-[0-9a-f]{8}\/\. \/st\//);
      assert.match(applyFirstFix('FROM x\nRUN python -c "from sentence_transformers import SentenceTransformer; SentenceTransformer(\'all-MiniLM-L6-v2\')"\n', RULE), /HF_HUB_CACHE=.* cp -a \/tmp\/model-cache\/st-[0-9a-f]{8}\/\. \/root\/\.cache\/huggingface\/hub\//);
    });

    it('two stores in one python -c: one mount, variable and copy each', () => {
      const text = 'FROM x\nRUN python -c "import nltk, torch; nltk.download(\'punkt\'); torch.hub.load(\'a/b\', \'c\')"\n';
      const out = applyFirstFix(text, RULE);
      assert.strictEqual((out.match(/--mount=type=cache/g) ?? []).length, 2);
      assert.match(out, /TORCH_HOME=\S+ NLTK_DATA=\S+ python -c|NLTK_DATA=\S+ TORCH_HOME=\S+ python -c/);
      assert.strictEqual((out.match(/cp -a/g) ?? []).length, 2);
      fixAllChecked(text, RULE);
    });

    it('in the middle of a chain, across a continuation and in a heredoc: the copy follows the download, the rest stays', () => {
      const chain = 'FROM x\nRUN pip install huggingface_hub && \\\n    huggingface-cli download org/m \\\n    && echo done\n';
      const out = applyFirstFix(chain, RULE);
      assert.match(out, /\n {4}HF_HUB_CACHE=\S+ huggingface-cli download org\/m && mkdir -p \/root\/\.cache\/huggingface\/hub && cp -a \S+ \/root\/\.cache\/huggingface\/hub\/ \\\n {4}&& echo done\n$/);
      const heredoc = 'FROM x\nRUN <<EOF\nset -e\nhuggingface-cli download org/m\necho done\nEOF\n';
      assert.match(applyFirstFix(heredoc, RULE), /\nHF_HUB_CACHE=\S+ huggingface-cli download org\/m && mkdir -p \/root\/\.cache\/huggingface\/hub && cp -a \S+\/\. \/root\/\.cache\/huggingface\/hub\/\necho done\nEOF\n$/);
      fixAllChecked(chain, RULE);
      fixAllChecked(heredoc, RULE);
    });

    it('a script from the build context (COPY, COPY . ., or a bind mount) that downloads', () => {
      const script = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n';
      const copied = 'FROM python:3.12\nWORKDIR /app\nCOPY download.py .\nRUN python download.py\n';
      assert.deepStrictEqual(lines(copied, RULE, withScript('download.py', script)), [4]);
      assert.match(findings(copied, RULE, withScript('download.py', script))[0].message, /`from_pretrained` \(from download\.py\)/);
      assert.match(applyFirstFix(copied, RULE, withScript('download.py', script)), /HF_HUB_CACHE=\S+ python download\.py && mkdir -p/);
      fixAllChecked(copied, RULE, withScript('download.py', script));
      const tree = 'FROM python:3.12\nCOPY . /src\nRUN python3 -u /src/scripts/fetch.py --fast\n';
      assert.deepStrictEqual(lines(tree, RULE, withScript('scripts/fetch.py', script)), [3]);
      const bind = 'FROM python:3.12\nRUN --mount=type=bind,source=tools,target=/t python /t/fetch.py\n';
      assert.deepStrictEqual(lines(bind, RULE, withScript('tools/fetch.py', script)), [2]);
    });

    it('spaCy: information, no fix, and why a cache mount cannot help', () => {
      const f = findings('FROM x\nRUN python -m spacy download en_core_web_sm\n', RULE);
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].severity, 'information');
      assert.match(f[0].message, /--no-cache-dir/);
      assert.match(f[0].message, /en_core_web_sm @ https:\/\/github\.com\/explosion\/spacy-models/);
      assert.deepStrictEqual(f[0].fixes ?? [], []);
    });

    it('no fix, with the reason: unknown uid, a pipe after the download, sudo, an unknown HF_HOME', () => {
      const noFix = (text: string, why: RegExp) => {
        const f = findings(text, RULE);
        assert.strictEqual(f.length, 1, text);
        assert.deepStrictEqual(f[0].fixes, []);
        assert.match(f[0].message, why);
      };
      noFix('FROM x\nUSER app\nRUN huggingface-cli download org/m\n', /uid of USER app is not known/);
      noFix('FROM x\nRUN huggingface-cli download org/m | tee log\n', /pipe/);
      noFix('FROM x\nRUN huggingface-cli download org/m || true\n', /`\|\|`/);
      noFix('FROM x\nRUN sudo huggingface-cli download org/m\n', /sudo/);
      noFix('FROM x\nARG HF_HOME\nRUN huggingface-cli download org/m\n', /\$HF_HOME/);
      noFix('FROM x\nRUN ["huggingface-cli", "download", "org/m"]\n', /exec form/);
      noFix('FROM x\nRUN python3 <<EOF\nfrom transformers import AutoModel\nAutoModel.from_pretrained("org/m")\nEOF\n', /heredoc|redirection/);
    });
  });

  describe('catches not', () => {
    it('a cache mount already over the store, or over HF_HOME', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/.cache/huggingface huggingface-cli download org/m\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nENV HF_HOME=/models\nRUN --mount=type=cache,target=/models huggingface-cli download org/m\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=/root/nltk_data python -m nltk.downloader punkt\n', RULE), []);
    });

    it('a cache mount whose target is not known (may be the store)', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN --mount=type=cache,target=$CACHE huggingface-cli download org/m\n', RULE), []);
    });

    it('downloads into a directory of their own choosing: --local-dir, cache_dir=, download_dir=, -d', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN huggingface-cli download org/m --local-dir /models/m\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN python -c "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\', cache_dir=\'/m\')"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN python -c "import nltk; nltk.download(\'punkt\', download_dir=\'/d\')"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN python -m nltk.downloader -d /usr/share/nltk_data punkt\n', RULE), []);
    });

    it('a local path handed to from_pretrained is no download; other python and echo are nothing', () => {
      assert.deepStrictEqual(lines('FROM x\nRUN echo "huggingface-cli download org/m"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN python -c "print(1)"\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nRUN huggingface-cli login\n', RULE), []);
    });

    it('a script the facts do not hold, a script a later step replaced, a script that downloads nothing known', () => {
      const script = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n';
      assert.deepStrictEqual(lines('FROM x\nCOPY download.py /app/\nRUN python /app/download.py\n', RULE), []);
      assert.deepStrictEqual(lines('FROM x\nCOPY download.py /app/\nCOPY --from=build /out/ /app/\nRUN python /app/download.py\n', RULE, withScript('download.py', script)), []);
      assert.deepStrictEqual(lines('FROM x\nCOPY other.py /app/download.py\nRUN python /app/download.py\n', RULE, withScript('download.py', script)), []);
      // the COPY of a different single file later does not hide it
      assert.deepStrictEqual(lines('FROM x\nCOPY download.py /app/\nCOPY requirements.txt /app/\nRUN python /app/download.py\n', RULE, withScript('download.py', script)), [4]);
    });

    it('after the fix, the same RUN is quiet (the inline variable moves the store into the mount)', () => {
      const fixed = 'FROM x\nRUN --mount=type=cache,target=/tmp/model-cache/hf-00000000 HF_HUB_CACHE=/tmp/model-cache/hf-00000000 huggingface-cli download org/m && mkdir -p /root/.cache/huggingface/hub && cp -a /tmp/model-cache/hf-00000000/. /root/.cache/huggingface/hub/\n';
      assert.deepStrictEqual(lines(fixed, RULE), []);
    });
  });
});

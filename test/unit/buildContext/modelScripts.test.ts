import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clearWorkspaceFactsCache, gatherWorkspaceFacts } from '../../../server/src/buildContext/workspaceFacts';
import { writeContext } from '../../support/contextOnDisk';
import { lines } from '../../support/lint';

describe('workspace facts: model download scripts of the build context', () => {
  let dir: string;
  let outside: string;

  before(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.py'), 'from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n');
    dir = writeContext({
      'download.py': 'from huggingface_hub import snapshot_download\nsnapshot_download("org/m")\n',
      'scripts/fetch.py': 'import nltk\nnltk.download("punkt")\n',
      'app.py': 'print("no download here")\n',
      'big.py': 'import torch\ntorch.hub.load("a/b", "c")\n' + '#'.repeat(70_000) + '\n',
      'notes.txt': 'snapshot_download("org/m")\n',
    });
    fs.symlinkSync(path.join(outside, 'secret.py'), path.join(dir, 'linked.py'));
    clearWorkspaceFactsCache();
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('keeps the small .py files that call a downloader, nothing else; a symlink out of the context is not followed', () => {
    const ws = gatherWorkspaceFacts(dir);
    assert.deepStrictEqual(Object.keys(ws.modelScripts ?? {}).sort(), ['download.py', 'scripts/fetch.py']);
  });

  it('a RUN of such a script is reported; of a script without a download, not', () => {
    const ws = gatherWorkspaceFacts(dir);
    assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python scripts/fetch.py\n', 'model-download-without-cache', ws), [4]);
    assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python app.py\n', 'model-download-without-cache', ws), []);
    assert.deepStrictEqual(lines('FROM python:3\nWORKDIR /app\nCOPY . .\nRUN python big.py\n', 'model-download-without-cache', ws), []);
  });
});

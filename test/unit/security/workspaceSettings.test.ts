import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { containedBuildContext } from '../../../server/src/lsp/documentSettings';
import { DEFAULT_SETTINGS, normaliseSettings, untrustedSettings } from '../../../common/settings';

const root = path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('security: what a repository\'s settings cannot do', () => {
  it('maxFileSize is a restricted configuration (VS Code ignores the workspace value in Restricted Mode)', () => {
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('cacheAdvisor.maxFileSize'));
  });

  it('catches: untrusted settings cannot raise maxFileSize; catches-not: a lowered limit is kept', () => {
    assert.strictEqual(untrustedSettings(normaliseSettings({ maxFileSize: 1e9 })).maxFileSize, DEFAULT_SETTINGS.maxFileSize);
    assert.strictEqual(untrustedSettings(normaliseSettings({ maxFileSize: 4096 })).maxFileSize, 4096);
  });

  describe('buildContext stays inside the workspace folder', () => {
    let tmp: string;
    let ws: string;
    let outside: string;
    let dockerfile: string;
    before(() => {
      tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ca-buildctx-')));
      ws = path.join(tmp, 'ws');
      outside = path.join(tmp, 'outside');
      fs.mkdirSync(path.join(ws, 'app', 'sub'), { recursive: true });
      fs.mkdirSync(outside);
      fs.symlinkSync(outside, path.join(ws, 'app', 'escape'));
      dockerfile = path.join(ws, 'app', 'Dockerfile');
      fs.writeFileSync(dockerfile, 'FROM busybox\n');
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('catches-not: a folder inside the workspace, relative or absolute', () => {
      assert.strictEqual(containedBuildContext(dockerfile, '..', [ws]).buildContext, ws);
      assert.strictEqual(containedBuildContext(dockerfile, path.join(ws, 'app', 'sub'), [ws]).buildContext, path.join(ws, 'app', 'sub'));
    });

    it('catches: a path that climbs out of the folder, an absolute path elsewhere, a symlink leading out', () => {
      for (const value of ['../..', outside, 'escape', os.homedir()]) {
        const r = containedBuildContext(dockerfile, value, [ws]);
        assert.strictEqual(r.buildContext, undefined, value);
        assert.ok(r.dropped, value);
      }
    });

    it('catches: a folder that does not exist, and a Dockerfile outside every workspace folder', () => {
      assert.ok(containedBuildContext(dockerfile, 'missing', [ws]).dropped);
      assert.ok(containedBuildContext(path.join(outside, 'Dockerfile'), '.', [ws]).dropped);
    });

    it('catches-not: without workspace folders (a single file) the user\'s own value is kept', () => {
      assert.strictEqual(containedBuildContext(dockerfile, outside, []).buildContext, outside);
    });
  });
});

/**
 * What the Marketplace and Open VSX get: the .vsix holds exactly the shipped files, the manifest has
 * what the listing needs, and the getting-started walkthrough points only at things that exist.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unpackVsix } from '../e2e/support/vsix';

const ROOT = path.resolve(__dirname, '../../..');
const VSCE = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const REPO = 'https://github.com/cache-advisor/dockerfile-cache-advisor';

interface Step { id: string; description: string; media: { image?: string; markdown?: string; altText?: string }; completionEvents: string[] }

/** Built-in commands the walkthrough links to; any other command must be one of ours. */
const BUILT_IN_COMMANDS = ['workbench.action.quickOpen', 'workbench.actions.view.problems', 'workbench.view.extension.cacheAdvisor'];

describe('Marketplace and Open VSX readiness', function () {
  this.timeout(60_000);
  let shipped: string[];
  before(() => {
    shipped = execFileSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
  });

  it('vsce ls: the bundles, grammar, icons, walkthrough pages and screenshots, README, CHANGELOG, LICENSE — nothing else', () => {
    assert.deepStrictEqual([...shipped].sort(), [
      'CHANGELOG.md', 'LICENSE', 'README.md',
      'dist/client.js', 'dist/extension.js', 'dist/hostCacheWorker.js', 'dist/server.js',
      'images/cache-view.svg', 'images/icon.png',
      'images/screenshot-build-cache-view.png', 'images/screenshot-build-timeline.png', 'images/screenshot-codelens.png', 'images/screenshot-diagnostics.png',
      'images/screenshot-quick-fix.png', 'images/screenshot-settings-remote.png', 'images/screenshot-why-did-this-run.png',
      'media/walkthrough/open-dockerfile.md',
      'package.json',
      'syntaxes/dockerfile-cache-advisor.injection.tmLanguage.json',
    ]);
  });

  it('vsce package accepts the manifest; the details page links the screenshots and docs at the repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-vsix-'));
    const out = path.join(dir, 'x.vsix');
    try {
      execFileSync(process.execPath, [VSCE, 'package', '--no-dependencies', '--out', out], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
      const readme = fs.readFileSync(path.join(unpackVsix(out, dir), 'readme.md'), 'utf8');
      // the Marketplace shows no relative image: vsce rewrites each to the repository's raw URL
      const source = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const images = [...source.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(m => m[1]);
      assert.ok(images.length >= 4, 'the README shows the screenshots');
      for (const image of images) {
        assert.match(image, /^images\/[\w-]+\.png$/, `${image}: a PNG of this repository (vsce refuses SVG in a README)`);
        assert.ok(fs.existsSync(path.join(ROOT, image)), `${image} exists`);
        assert.ok(readme.includes(`](${REPO}/raw/HEAD/${image})`), `${image} is rewritten to the repository in the .vsix`);
      }
      // contributor material lives in CONTRIBUTING.md, which is not shipped: the link goes to the repository
      assert.ok(source.includes('](CONTRIBUTING.md)') && fs.existsSync(path.join(ROOT, 'CONTRIBUTING.md')));
      assert.ok(readme.includes(`](${REPO}/blob/HEAD/CONTRIBUTING.md)`));
      assert.doesNotMatch(readme, /\]\((?!https?:|#|mailto:)[^)]+\)/, 'no relative link is left in the packaged README');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the listing: publisher, license, repository, links, banner, categories, keywords, a 128×128 icon', () => {
    assert.strictEqual(manifest.private, undefined, 'vsce and npm refuse to publish a private package');
    assert.match(manifest.publisher, /^[a-z0-9][a-z0-9-]*$/);
    assert.strictEqual(manifest.license, 'MIT');
    assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
    // npm's normal form of the URL (npm publish rewrites any other and warns); vsce reads it too
    assert.strictEqual(manifest.repository.url, 'git+https://github.com/cache-advisor/dockerfile-cache-advisor.git');
    assert.strictEqual(manifest.homepage, 'https://github.com/cache-advisor/dockerfile-cache-advisor#readme');
    assert.strictEqual(manifest.bugs.url, 'https://github.com/cache-advisor/dockerfile-cache-advisor/issues');
    assert.match(manifest.galleryBanner.color, /^#[0-9A-Fa-f]{6}$/);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.ok(manifest.categories.includes('Linters'));
    assert.ok(manifest.keywords.length >= 3 && manifest.keywords.length <= 30);
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.deepStrictEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('the walkthrough: open a Dockerfile, see a finding, fix it, build, see what was cached', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    const steps: Step[] = walkthrough.steps;
    assert.deepStrictEqual(steps.map(s => s.id), ['openDockerfile', 'seeFinding', 'fixIt', 'build', 'timeline']);
    const ours = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const views = new Set<string>(Object.values(manifest.contributes.views as Record<string, Array<{ id: string }>>).flat().map(v => v.id));
    for (const step of steps) {
      const media = step.media.image ?? step.media.markdown!;
      assert.ok(shipped.includes(media), `${step.id}: ${media} is not in the .vsix`);
      if (step.media.image) assert.ok(step.media.altText, `${step.id}: an image needs altText`);
      const links = [...step.description.matchAll(/\(command:([\w.]+)/g)].map(m => m[1]);
      assert.strictEqual(links.length, 1, `${step.id}: one button`);
      for (const event of step.completionEvents) {
        const [kind, arg] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.strictEqual(arg, links[0], `${step.id}: completes on its own button`);
        else if (kind === 'onView') assert.ok(views.has(arg), `${step.id}: view ${arg}`);
        else assert.strictEqual(kind, 'onContext', `${step.id}: ${event}`);
      }
      for (const command of links) assert.ok(ours.has(command) || BUILT_IN_COMMANDS.includes(command), `${step.id}: unknown command ${command}`);
    }
    // the container the last button opens is ours
    assert.ok(manifest.contributes.viewsContainers.activitybar.some((c: { id: string }) => `workbench.view.extension.${c.id}` === BUILT_IN_COMMANDS[2]));
  });
});

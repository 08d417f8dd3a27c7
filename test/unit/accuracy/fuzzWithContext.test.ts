/**
 * The fuzz invariants again, with a build context on disk: copy-before-install only reorders what it can
 * check against a context, so without one the grammar fuzzer never exercises its fixes.
 */
import fc from 'fast-check';
import { dockerfile } from '../../support/dockerfileArbitrary';
import { contextOnDisk } from '../../support/contextOnDisk';
import { checkDockerfile } from '../../support/fuzzProperties';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);

describe('fuzzing with a build context on disk (fast-check, seeded)', function () {
  this.timeout(600_000);
  const contexts = {
    plain: contextOnDisk({
      'requirements.txt': 'flask\n', r: 'flask\n', 'package.json': '{"name":"a","dependencies":{"left-pad":"1.3.0"}}', 'package-lock.json': '{}',
      'go.mod': 'module a\n', 'go.sum': '', Gemfile: 'gem "rack"\n', 'pyproject.toml': '[project]\nname="a"\n', 'uv.lock': '', '.npmrc': 'fund=false\n', 'app.py': '', 'src/main.py': '',
      'download.py': 'from huggingface_hub import snapshot_download\nsnapshot_download("org/m")\n',
    }),
    inputs: contextOnDisk({
      'requirements.txt': '-e ./libs/core\n', 'package.json': '{"name":"a","workspaces":["packages/*"]}', 'packages/a/package.json': '{}', 'patches/x.patch': '',
      'go.mod': 'module a\nreplace x => ./x\n', 'x/go.mod': '', 'app.py': '',
    }),
  };
  for (const [name, ws] of Object.entries(contexts)) {
    it(`grammar-generated Dockerfiles keep every invariant (${name} context)`, () => {
      fc.assert(fc.property(dockerfile, text => { checkDockerfile(text, ws); }), { numRuns: RUNS, seed: SEED });
    });
  }
});

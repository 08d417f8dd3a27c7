/** Entry point @vscode/test-electron loads in the extension host: runs every *.test.js next to it. */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000 });
  for (const f of fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run(failures => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}

#!/usr/bin/env node
// `npm run gen:rules`: writes package.json's per-rule settings (`cacheAdvisor.rules.<id>`) from the rule
// modules (server/src/rules/settingsSchema.ts, compiled by `tsc -b` first). Other settings keep their
// order after the rule entries. test/unit/ruleMetadata.test.ts fails when package.json is out of date.
import { createRequire } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ruleSettingEntries } = require(path.join(root, 'out/server/src/rules/settingsSchema.js'));

const file = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const props = pkg.contributes.configuration.properties;
const others = Object.entries(props).filter(([k]) => !k.startsWith('cacheAdvisor.rules.'));
pkg.contributes.configuration.properties = { ...ruleSettingEntries(), ...Object.fromEntries(others) };
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`package.json: ${Object.keys(ruleSettingEntries()).length} rule settings written`);

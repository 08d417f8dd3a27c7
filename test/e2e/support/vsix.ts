/**
 * Unpacks a .vsix (a zip) the way VS Code installs it: the `extension/` folder becomes
 * `<extensionsDir>/<publisher>.<name>-<version>/`. A small central-directory zip reader (stored and
 * deflated entries), so the tests need no unzip tool.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

interface Entry { readonly name: string; readonly method: number; readonly compressedSize: number; readonly localOffset: number }

function centralDirectory(zip: Buffer): Entry[] {
  // End of central directory record: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`corrupt zip: bad central directory entry ${i}`);
    const nameLen = zip.readUInt16LE(p + 28), extraLen = zip.readUInt16LE(p + 30), commentLen = zip.readUInt16LE(p + 32);
    entries.push({
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      localOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function contents(zip: Buffer, e: Entry): Buffer {
  const p = e.localOffset;
  if (zip.readUInt32LE(p) !== 0x04034b50) throw new Error(`corrupt zip: bad local header for ${e.name}`);
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  const data = zip.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  if (e.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`unsupported zip compression method ${e.method} for ${e.name}`);
}

/** Installs `vsixFile` into `extensionsDir`; returns the extension folder. */
export function unpackVsix(vsixFile: string, extensionsDir: string): string {
  const zip = fs.readFileSync(vsixFile);
  const entries = centralDirectory(zip);
  const manifestEntry = entries.find(e => e.name === 'extension/package.json');
  if (!manifestEntry) throw new Error(`${vsixFile} has no extension/package.json`);
  const manifest = JSON.parse(contents(zip, manifestEntry).toString('utf8')) as { publisher: string; name: string; version: string };
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase());
  fs.rmSync(target, { recursive: true, force: true });
  for (const e of entries) {
    if (!e.name.startsWith('extension/') || e.name.endsWith('/')) continue;
    const rel = e.name.slice('extension/'.length);
    const out = path.resolve(target, rel);
    if (!out.startsWith(target + path.sep)) throw new Error(`zip entry escapes the target folder: ${e.name}`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, contents(zip, e));
  }
  return target;
}

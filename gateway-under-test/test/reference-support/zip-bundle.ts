import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yazl from 'yazl';

/**
 * Zips an exported Apigee bundle folder (the one holding apiproxy/) as Apigee's export does: entries
 * named `apiproxy/…`. `rename` can change an entry's name afterwards, byte for byte, to build archives
 * no zip writer would (an entry named `../…` for zip-slip), as long as the length stays the same.
 */
export async function zipBundle(dir: string, out: string, rename: Record<string, string> = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else zip.addBuffer(readFileSync(path), relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [from, to] of Object.entries(rename)) {
    if (from.length !== to.length) throw new Error('rename keeps the length of an entry name');
    bytes = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
  }
  writeFileSync(out, bytes);
  return out;
}

/**
 * Writes gateway-under-test/target-profile.schema.json from the zod schema of the target contract, the
 * one definition. `gateway-under-test/test/target-profile-schema.test.ts` fails when the file is stale.
 *
 *   node scripts/write-target-profile-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import { targetProfileJsonSchema } from '../gateway-under-test/index.ts';

const file = new URL('../gateway-under-test/target-profile.schema.json', import.meta.url);
await writeFile(file, JSON.stringify(targetProfileJsonSchema(), null, 2) + '\n');
process.stderr.write(`${file.pathname} written\n`);

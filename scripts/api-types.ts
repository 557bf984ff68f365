/**
 * `npm run api:types`: writes the web UI's API types (ui/src/lib/api-types.ts) from the API's
 * OpenAPI document, built offline (no database, Temporal or listening server).
 * `npm run api:types -- --check` only compares, and exits 1 when the committed file is stale.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { API_TYPES_FILE, generateApiTypes } from '../src/openapi/api-types';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const generated = await generateApiTypes();
  const file = relative(PROJECT_ROOT, API_TYPES_FILE);
  let current: string | null = null;
  try {
    current = readFileSync(API_TYPES_FILE, 'utf8');
  } catch {
    current = null;
  }
  if (check) {
    if (current === generated) {
      console.log(`${file} matches the API's OpenAPI document`);
      return;
    }
    console.error(`${file} is stale: the API's OpenAPI document changed. Run "npm run api:types" and commit the result.`);
    process.exitCode = 1;
    return;
  }
  if (current === generated) console.log(`${file} unchanged`);
  else {
    writeFileSync(API_TYPES_FILE, generated);
    console.log(`wrote ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error('[api:types]', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (holds package-lock.json, cdk.json and `functions/`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

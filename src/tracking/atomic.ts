// JSON files of the tracking state, written with the project's atomic write (src/util/atomic.ts).
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic.ts';

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Parsed JSON, or undefined when the file does not exist. Other errors (bad JSON, EACCES) throw. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as T;
}

// Every `exp` subcommand registers itself here: one import and one entry per command module.
import type { Command } from 'commander';
import { register as registerValidate } from './validate.ts';
import { register as registerSchema } from './schema.ts';
import { register as registerRun } from './run.ts';
import { register as registerData } from './data.ts';
import { register as registerRuns } from './runs.ts';
import { register as registerSync } from './sync.ts';

export const commands: Array<(program: Command) => void> = [
  registerValidate,
  registerSchema,
  registerRun,
  registerData,
  registerRuns,
  registerSync,
];

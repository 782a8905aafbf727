// `exp schema`: prints schema/experiment.schema.json, the spec language's single source of truth.
import type { Command } from 'commander';
import { io } from '../io.ts';
import { experimentSchema } from '../../spec/index.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON schema of experiment specs (editors can use it for completion)')
    .addHelpText('after', '\nExample:\n  $ exp schema > experiment.schema.json\n')
    .action(() => {
      io.out(JSON.stringify(experimentSchema(), null, 2) + '\n');
    });
}

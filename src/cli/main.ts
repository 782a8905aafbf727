#!/usr/bin/env node
// The `exp` command line. Commands register themselves through ./commands/index.ts. Errors:
// an ExpError (a user's mistake or a failed run) prints its problems as FILE:LINE:COL: key: message
// and exits with its code (2 spec/usage, 1 run failure); anything else is an internal error with a stack.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ExpError, formatProblem } from '../errors.ts';
import { commands } from './commands/index.ts';
import { io } from './io.ts';

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'exp') return pkg.version ?? '0.0.0';
    }
    const up = dirname(dir);
    if (up === dir) return '0.0.0';
    dir = up;
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('exp')
    .description('Declarative neural-network experiments for high-energy physics: one YAML file, one command.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
    .exitOverride()
    .addHelpText('after', '\nExample:\n  $ exp run experiments/deep.yaml\n');
  for (const register of commands) register(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed the message (or the help/version)
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof ExpError) {
      for (const p of err.problems) io.err(formatProblem(p) + '\n');
      return err.exitCode;
    }
    io.err(`exp: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const invoked = process.argv[1] ? fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1]) : false;
if (invoked) {
  const code = await main(process.argv);
  process.exitCode = code;
}

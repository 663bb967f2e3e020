import { runBench } from '../../bench/run';
import { runImport } from './import';
import { runStatus } from '../status/command';
import { UsageError } from './usage-error';

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  bench: runBench,
  import: runImport,
  status: runStatus,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name ?? ''}"; one of: ${Object.keys(COMMANDS).join(', ')}`);
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`mini-atlas: ${error.message}\n`);
    } else {
      process.stderr.write(`mini-atlas: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 2;
  },
);

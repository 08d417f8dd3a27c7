/**
 * `dockerfile-cache-advisor`: the command-line front end. Each subcommand lives in cli/<name>.ts;
 * this file only dispatches and maps errors to exit codes (0 clean, 1 findings, 2 usage or I/O errors).
 */
import * as readline from 'readline';
import { LINT_USAGE, runLint } from './cli/lint';
import { runWhatRebuilds } from './cli/whatRebuilds';
import { runStats } from './cli/stats';
import { runPrune } from './cli/prune';
import { runBuild } from './cli/build';
import { terminalSafeIO, UsageError, type CliIO } from './cli/io';
import { packageVersion } from './cli/version';

type Command = (argv: string[], io: CliIO) => number | Promise<number>;

/** Subcommands; `lint` is also what runs when the first argument is not a subcommand. */
export const COMMANDS: Record<string, Command> = {
  lint: runLint,
  'what-rebuilds': runWhatRebuilds,
  stats: runStats,
  prune: runPrune,
  build: runBuild,
};

/** Old subcommand names that still work, each with the name that replaces it. */
export const DEPRECATED_ALIASES: Record<string, string> = {
  // the command's name until 0.1.0; the editor command and the code always said "what rebuilds"
  'why-rebuild': 'what-rebuilds',
};

const USAGE = `${LINT_USAGE}
Commands:
  lint          lint Dockerfiles (default)
  ${Object.keys(COMMANDS).filter(c => c !== 'lint').map(c => c.padEnd(13) + ' see: dockerfile-cache-advisor ' + c + ' --help').join('\n  ')}
  ${Object.entries(DEPRECATED_ALIASES).map(([old, now]) => old.padEnd(13) + ` deprecated name of ${now}`).join('\n  ')}
`;

export function processIO(): CliIO {
  return {
    out: t => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: t => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    interactive: !!process.stdin.isTTY,
    confirm: question =>
      new Promise(resolve => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        rl.question(`${question} [y/N] `, answer => {
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
  };
}

export async function main(argv: string[], rawIO: CliIO = processIO()): Promise<number> {
  // one place for every command's output, so no command can forget it
  const io = terminalSafeIO(rawIO);
  if (argv[0] === '--version' || argv[0] === '-v') { io.out(packageVersion()); return 0; }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') { io.out(USAGE); return argv.length === 0 ? 2 : 0; }
  // own keys only: a file named `constructor` or `toString` is a path to lint, not a command
  const alias = Object.hasOwn(DEPRECATED_ALIASES, argv[0]) ? DEPRECATED_ALIASES[argv[0]] : undefined;
  // stderr, so that --format json on stdout stays one JSON document
  if (alias) io.err(`dockerfile-cache-advisor: '${argv[0]}' is deprecated; use '${alias}' (same options and output)`);
  const command = alias ?? argv[0];
  const isCommand = Object.hasOwn(COMMANDS, command);
  const name = isCommand ? command : 'lint';
  const rest = isCommand ? argv.slice(1) : argv;
  try {
    return await COMMANDS[name](rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`dockerfile-cache-advisor: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`dockerfile-cache-advisor: ${(e as Error)?.stack ?? e}`);
    return 2;
  }
}

if (require.main === module) {
  // main() turns every error into a message and exit code 2; it does not reject
  void main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}

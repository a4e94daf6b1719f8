/**
 * `codering config`: the effective configuration, for the shell scripts (which take their defaults
 * from here instead of repeating them) and for people wondering what a variable is set to.
 *   codering config get <VARIABLE>   one value, as the variable would be written (lists with commas)
 *   codering config env              every variable as NAME='value' (secrets left out)
 *   codering config table            the README's table of variables
 */
import type { Command } from 'commander';
import { coderingConfig, ConfigError, configEnvLines, configMarkdownTable, configValue } from '../../config';
import { CoderingError } from '../../errors';

/** A bad variable is the caller's mistake: exit 2, like any other bad input of the CLI. */
function asBadInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new CoderingError('invalid_request', error.message, { variable: error.variable });
    throw error;
  }
}

export function addConfigCommand(program: Command, out: (text: string) => void): void {
  const config = program.command('config').description('the effective CODERING_* configuration');
  config
    .command('get')
    .description('print the effective value of one CODERING_* variable')
    .argument('<variable>', 'e.g. CODERING_DEFAULT_RUNTIMES')
    .action((name: string) => out(`${asBadInput(() => configValue(coderingConfig(), name))}\n`));
  config
    .command('env')
    .description("print every variable as NAME='value' (secrets left out)")
    .action(() => out(`${asBadInput(() => configEnvLines(coderingConfig())).join('\n')}\n`));
  config
    .command('table')
    .description("print the README's table of variables")
    .action(() => out(`${configMarkdownTable()}\n`));
}

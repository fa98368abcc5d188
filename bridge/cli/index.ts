import { Command, type Help } from 'commander';
import { VERSION } from '../version.ts';
import { registerDemo } from './demo.ts';
import { registerProbe } from './probe.ts';
import { exitOnStartupError, registerRun } from './run.ts';
import { registerSim } from './sim.ts';

/** The `raritan2mqtt` command line: run, demo, sim and probe. */
export function buildProgram(): Command {
  const program = new Command('raritan2mqtt')
    .description('Raritan PX2/PX3/PX4 PDUs in Home Assistant, MQTT and Node-RED')
    .version(VERSION, '-V, --version', 'print the version')
    // `probe --version 3` is the SNMP version: program options only count before the command.
    .enablePositionalOptions()
    // A mistyped command or option gets one line and a hint, not a screen of help (commands inherit it).
    .showHelpAfterError('(add --help for the commands and their options)')
    .showSuggestionAfterError();
  registerRun(program);
  registerDemo(program);
  registerSim(program);
  registerProbe(program);
  // `raritan2mqtt --help` shows every command with its options, so one screen answers "how do I…".
  program.addHelpText(
    'after',
    () => `\n${program.commands.map((c) => commandSummary(c, program.createHelp())).join('\n')}`,
  );
  return program;
}

function commandSummary(cmd: Command, help: Help): string {
  const options = help
    .visibleOptions(cmd)
    .filter((o) => o.long !== '--help')
    .map((o) => `    ${help.optionTerm(o).padEnd(28)} ${help.optionDescription(o)}`);
  return [`${cmd.name()}: ${cmd.description()}`, ...options].join('\n');
}

// A command that fails to start says why in one line (bridge/cli/run.ts), never with a stack trace.
await buildProgram().parseAsync(process.argv).catch(exitOnStartupError);

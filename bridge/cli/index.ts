import { Command } from 'commander';
import { registerDemo } from './demo.ts';
import { registerProbe } from './probe.ts';
import { registerRun } from './run.ts';
import { registerSim } from './sim.ts';

/** The `raritan2mqtt` command line: run, demo, sim and probe. */
export function buildProgram(): Command {
  const program = new Command('raritan2mqtt')
    .description('Raritan PX2/PX3/PX4 PDUs in Home Assistant, MQTT and Node-RED')
    .showHelpAfterError();
  registerRun(program);
  registerDemo(program);
  registerSim(program);
  registerProbe(program);
  return program;
}

await buildProgram().parseAsync(process.argv);

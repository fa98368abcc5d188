import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real agents and brokers on free ports; two cores, so keep forks modest.
    pool: 'forks',
    maxWorkers: 2,
    // Tests never bind a fixed port: the trap receiver (snmp.trapPort, default 1162) is off unless a
    // test gives it a free one. Spawned daemons inherit it.
    env: { R2M_SNMP_TRAP_PORT: '0' },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});

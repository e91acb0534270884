/** @jest-config-loader esbuild-register */
// Native ESM throughout (execa 9 is ESM-only): Jest runs under
// --experimental-vm-modules and ts-jest compiles TypeScript as ESM.
import type { Config } from 'jest';
import { createDefaultEsmPreset } from 'ts-jest';

const esm = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });

const shared = {
  ...esm,
  // Imports are written with .ts extensions; let Jest resolve them as written.
  moduleFileExtensions: ['ts', 'js', 'json'],
};

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'scenarios',
      testMatch: ['<rootDir>/test/scenarios/**/*.test.ts'],
    },
  ],
};

export default config;

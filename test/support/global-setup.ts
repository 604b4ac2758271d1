import { startEmulator, type Emulator } from './emulator';

declare global {
  var __EMULATOR__: Emulator | undefined;
}

/** Starts one emulator for the e2e run; workers read its address from EMULATOR_ENDPOINT. */
export default async function globalSetup(): Promise<void> {
  const emulator = await startEmulator();
  globalThis.__EMULATOR__ = emulator;
  process.env.EMULATOR_ENDPOINT = emulator.endpoint;
}

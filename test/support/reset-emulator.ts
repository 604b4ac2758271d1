import { resetEmulator } from './emulator';

// Each e2e test file starts from an empty emulator. Files run in band, so resets never race.
beforeAll(async () => {
  const endpoint = process.env.EMULATOR_ENDPOINT;
  if (!endpoint)
    throw new Error('EMULATOR_ENDPOINT is not set: run e2e tests through jest --selectProjects e2e');
  await resetEmulator(endpoint);
});

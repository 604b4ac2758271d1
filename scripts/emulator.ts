import { startEmulator } from '../test/support/emulator';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portIndex = args.indexOf('--port');
  const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 5000;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error('usage: npm run emulator -- --port PORT');
    process.exit(2);
  }
  const emulator = await startEmulator({ port });
  console.log(`Patched AWS emulator (moto) listening on ${emulator.endpoint}`);
  console.log(
    `Try: AWS_ENDPOINT_URL=${emulator.endpoint} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1 aws sts get-caller-identity`,
  );
  console.log('Press Ctrl-C to stop.');
  const stop = async () => {
    await emulator.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => undefined);
}

void main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

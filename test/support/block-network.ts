/**
 * Unit tests never touch the network: any outgoing connection fails loudly.
 * (AWS clients in unit tests are mocked with aws-sdk-client-mock.)
 */
import net from 'node:net';

const blocked = function (this: net.Socket): net.Socket {
  throw new Error('Network access is blocked in unit tests; mock the client or move the test to test/e2e');
};
net.Socket.prototype.connect = blocked as unknown as typeof net.Socket.prototype.connect;

// Static credentials keep the SDK's default chain from reaching for IMDS or a profile.
process.env.AWS_ACCESS_KEY_ID = 'AKIAUNITTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'unit-test-secret';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import t from 'tap';
import { CreateVaultCommand, ListVaultsCommand } from '@aws-sdk/client-glacier';
import { AuthFailure, parseAuthorization, verifySignature, type Authorization } from '../../src/local/sigv4.js';
import { glacierClient, rawRequest, withLocal } from '../helpers/local.js';

t.test('the Glacier developer guide signing example verifies, and a changed byte does not', async (t) => {
  const headers = {
    host: 'glacier.us-east-1.amazonaws.com',
    'x-amz-date': '20120525T002453Z',
    'x-amz-glacier-version': '2012-06-01',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20120525/us-east-1/glacier/aws4_request,SignedHeaders=host;x-amz-date;x-amz-glacier-version,Signature=3ce5b2f2fffac9262b4da9256f8d086b4aaf42eba5f111c21681a65a127b7c2a',
  };
  const auth = parseAuthorization(headers) as Authorization;
  t.match(auth, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', scopeDate: '20120525', region: 'us-east-1', service: 'glacier', signedHeaders: ['host', 'x-amz-date', 'x-amz-glacier-version'] });
  const secrets = (key: string) => (key === 'AKIAIOSFODNN7EXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' : undefined);
  const when = new Date(Date.UTC(2012, 4, 25, 0, 24, 53));
  const request = { method: 'PUT', rawPath: '/-/vaults/examplevault', rawQuery: '', headers };
  t.equal(await verifySignature(request, auth, secrets, Buffer.alloc(0), when), undefined, 'the documented signature verifies');
  const renamed = await verifySignature({ ...request, rawPath: '/-/vaults/examplevault2' }, auth, secrets, Buffer.alloc(0), when);
  t.match(renamed, { reason: 'mismatch' });
  const late = await verifySignature(request, auth, secrets, Buffer.alloc(0), new Date(when.getTime() + 16 * 60 * 1000));
  t.match(late, { reason: 'expired', message: /Signature expired: 20120525T002453Z/ });
  t.match(await verifySignature(request, auth, () => undefined, undefined, when), { reason: 'unknown-key' });
  t.ok(parseAuthorization({ authorization: 'AWS AKID:sig' }) instanceof AuthFailure, 'SigV2 is refused as malformed');
  t.equal(parseAuthorization({}), undefined);
});

t.test('wrong secret, unknown key, no signature, stale clock: AWS errors', async (t) => {
  const server = await withLocal(t);
  await glacierClient(server).send(new CreateVaultCommand({ accountId: '-', vaultName: 'v' }));

  const wrongSecret = glacierClient(server, { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, maxAttempts: 1 });
  await t.rejects(wrongSecret.send(new ListVaultsCommand({ accountId: '-' })), {
    name: 'InvalidSignatureException',
    message: /signature we calculated does not match/,
    $metadata: { httpStatusCode: 403 },
  });
  const unknownKey = glacierClient(server, { credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'test' } });
  await t.rejects(unknownKey.send(new ListVaultsCommand({ accountId: '-' })), {
    name: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
    $metadata: { httpStatusCode: 400 },
  });
  const stale = glacierClient(server, { systemClockOffset: -60 * 60 * 1000, maxAttempts: 1 });
  await t.rejects(stale.send(new ListVaultsCommand({ accountId: '-' })), { name: 'InvalidSignatureException', message: /Signature expired/ });

  const unsigned = await rawRequest(server, { method: 'GET', path: '/-/vaults', unsigned: true });
  t.equal(unsigned.status, 400);
  t.same(JSON.parse(unsigned.body.toString()), { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', type: 'Client' });

  const control = await rawRequest(server, { method: 'PUT', path: '/-/vaults/v2', headers: { 'x-amz-glacier-version': '2012-06-01' } });
  t.equal(control.status, 201, 'control: a correctly signed request works');
  const log = server.requests.filter((r) => r.error !== null).map((r) => [r.operation, r.status, r.error]);
  t.same(log, [
    ['ListVaults', 403, 'InvalidSignatureException'],
    ['ListVaults', 400, 'UnrecognizedClientException'],
    ['ListVaults', 403, 'InvalidSignatureException'],
    ['ListVaults', 400, 'MissingAuthenticationTokenException'],
  ], 'the request log records each refusal');
});

t.test("a boto2-style scope (region '0', service '127') is verified in its own scope and routed by path", async (t) => {
  const server = await withLocal(t);
  const created = await rawRequest(server, { method: 'PUT', path: '/-/vaults/boto', service: '127', region: '0' });
  t.equal(created.status, 201);
  t.equal(server.requests[0].service, 'glacier');
  const wrong = await rawRequest(server, { method: 'GET', path: '/-/vaults/boto', service: '127', region: '0', credentials: { accessKeyId: 'test', secretAccessKey: 'nope' } });
  t.equal(wrong.status, 403);
});

t.test('a signed x-amz-content-sha256 must match a small body too (SDK v3 sends one on every request)', async (t) => {
  const server = await withLocal(t);
  await rawRequest(server, { method: 'PUT', path: '/-/vaults/v' });
  const body = JSON.stringify({ Type: 'inventory-retrieval' });
  const lying = await rawRequest(server, { method: 'POST', path: '/-/vaults/v/jobs', body, headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } });
  t.equal(lying.status, 403);
  t.match(JSON.parse(lying.body.toString()), { code: 'InvalidSignatureException', message: /x-amz-content-sha256/ });
  const honest = await rawRequest(server, { method: 'POST', path: '/-/vaults/v/jobs', body });
  t.equal(honest.status, 202, 'without the header the signer hashes the body itself (boto3, boto2)');
});

import t from 'tap';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { listPage } from '../../src/local/s3/list.js';
import { compareUtf8, urlEncodeName } from '../../src/local/s3/names.js';
import { errorCode, rawRequest, startS3Server } from './s3-server.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What a listing must hand out, in order, computed the slow obvious way. */
function expectedEntries(keys: string[], prefix: string, delimiter: string): { name: string; isPrefix: boolean }[] {
  const entries: { name: string; isPrefix: boolean }[] = [];
  for (const key of [...keys].sort(byBytes)) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut < 0 ? { name: key, isPrefix: false } : { name: key.slice(0, cut + delimiter.length), isPrefix: true };
    const last = entries.at(-1);
    if (!(entry.isPrefix && last?.isPrefix && last.name === entry.name)) entries.push(entry);
  }
  return entries;
}

function randomKey(random: () => number): string {
  const alphabet = ['a', 'b', '/', '-', ' ', 'é', '\u{1F600}', '\uFFFD', 'ab/', '%'];
  let key = '';
  const length = 1 + Math.floor(random() * 6);
  for (let i = 0; i < length; i++) key += alphabet[Math.floor(random() * alphabet.length)];
  return key;
}

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

t.test('compareUtf8 orders like the UTF-8 bytes, also past U+FFFF', async (t) => {
  const random = seeded(7);
  const keys = Array.from({ length: 400 }, () => randomKey(random));
  t.same([...keys].sort(compareUtf8), [...keys].sort(byBytes));
  t.ok(compareUtf8('\u{1F600}', '\uFFFD') > 0, 'an astral character sorts after U+FFFD');
});

t.test('listPage pages through every prefix/delimiter/max-keys combination like the model', async (t) => {
  const random = seeded(42);
  const keys = [...new Set(Array.from({ length: 300 }, () => randomKey(random)))].sort(compareUtf8);
  let combinations = 0;
  for (const prefix of ['', 'a', 'ab/', '\u{1F600}', 'zz']) {
    for (const delimiter of ['', '/', 'b', '\uFFFD']) {
      for (const maxKeys of [1, 2, 7, 1000]) {
        const expected = expectedEntries(keys, prefix, delimiter);
        const seen: { name: string; isPrefix: boolean }[] = [];
        let after: { name: string; isPrefix: boolean } | undefined;
        for (let pages = 0; ; pages++) {
          const page = listPage(keys, { prefix, delimiter, maxKeys, after });
          const entries = [...page.keys.map((name) => ({ name, isPrefix: false })), ...page.commonPrefixes.map((name) => ({ name, isPrefix: true }))];
          if (entries.length > maxKeys) t.fail(`page over max-keys ${maxKeys}`);
          seen.push(...entries.sort((a, b) => compareUtf8(a.name, b.name)));
          if (!page.truncated) break;
          after = page.next;
          if (pages > keys.length) throw new Error('listing does not end');
        }
        t.same(seen, expected, `prefix ${JSON.stringify(prefix)} delimiter ${JSON.stringify(delimiter)} max-keys ${maxKeys}`);
        combinations++;
      }
    }
  }
  t.equal(combinations, 80);
  t.same(listPage(keys, { prefix: '', delimiter: '', maxKeys: 0 }), { keys: [], commonPrefixes: [], truncated: false });
});

t.test('ListObjectsV2 through SDK v3: delimiter pagination over several pages, start-after, url encoding', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  const s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
  const keys: string[] = ['top-1', 'top-2', 'with space+plus', 'üñí/cøde', 'a/../b'];
  for (let dir = 0; dir < 4; dir++) for (let sub = 0; sub < 3; sub++) for (let file = 0; file < 2; file++) keys.push(`dir${dir}/sub${sub}/file${file}`);
  await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }))));

  for (const [Prefix, Delimiter, MaxKeys] of [
    ['', '/', 2],
    ['dir1/', '/', 2],
    ['dir', '/', 1],
    ['', '', 5],
  ] as const) {
    const seen: { name: string; isPrefix: boolean }[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: 'listing', Prefix, Delimiter, MaxKeys })) {
      pages++;
      t.equal(page.KeyCount, (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0));
      t.ok(page.KeyCount! <= MaxKeys);
      t.equal(page.IsTruncated, page.NextContinuationToken !== undefined);
      const entries = [
        ...(page.Contents ?? []).map((object) => ({ name: object.Key!, isPrefix: false })),
        ...(page.CommonPrefixes ?? []).map((common) => ({ name: common.Prefix!, isPrefix: true })),
      ];
      seen.push(...entries.sort((a, b) => compareUtf8(a.name, b.name)));
    }
    const expected = expectedEntries(keys, Prefix, Delimiter);
    t.same(seen, expected, `prefix ${Prefix} delimiter ${Delimiter} max-keys ${MaxKeys}`);
    t.equal(pages, Math.ceil(expected.length / MaxKeys), 'the pages it takes');
  }

  const first = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'dir2/', StartAfter: 'dir2/sub1/file0' }));
  t.same(first.Contents!.map((object) => object.Key), ['dir2/sub1/file1', 'dir2/sub2/file0', 'dir2/sub2/file1']);
  t.equal(first.StartAfter, 'dir2/sub1/file0');
  t.equal(first.Contents![0]!.Size, 'dir2/sub1/file1'.length);
  t.equal(first.Contents![0]!.StorageClass, 'STANDARD');
  t.match(first.Contents![0]!.ETag, /^"[0-9a-f]{32}"$/);

  const encoded = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', EncodingType: 'url', Prefix: 'w' }));
  t.equal(encoded.Contents![0]!.Key, 'with+space%2Bplus', 'S3 form-encodes keys when asked');
  t.equal(urlEncodeName('üñí/cøde'), '%C3%BC%C3%B1%C3%AD/c%C3%B8de');
});

t.test('ListObjectsV2 refuses bad parameters as S3 does', async (t) => {
  const server = await startS3Server();
  t.teardown(() => server.close());
  await server.client().send(new CreateBucketCommand({ Bucket: 'listing' }));
  for (const query of ['max-keys=-1', 'max-keys=ten', 'encoding-type=base64', 'continuation-token=bm9wZQ%3D%3D']) {
    const answer = await rawRequest(server.endpoint, { method: 'GET', path: `/listing?list-type=2&${query}` });
    t.equal(answer.status, 400, query);
    t.equal(errorCode(answer.body), 'InvalidArgument', query);
  }
  const missing = await rawRequest(server.endpoint, { method: 'GET', path: '/nothing-here?list-type=2' });
  t.equal(missing.status, 404);
  t.equal(errorCode(missing.body), 'NoSuchBucket');
  t.match(missing.body, /<BucketName>nothing-here<\/BucketName>/);
});

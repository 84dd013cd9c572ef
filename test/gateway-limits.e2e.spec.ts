/**
 * The gateway under abuse: aborted uploads leave nothing behind, ten concurrent 50 MB uploads do
 * not grow its memory with the files, an upload past the byte or line limit is refused while it
 * still streams, an account's 11th concurrent upload and its requests past the rate get 429 with
 * Retry-After, repeated query parameters and pages larger than the limit are a 400, and operator
 * top-ups are idempotent by key.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type ClientRequest } from 'node:http';
import { LIMITS } from '@clarion/contracts';
import { OPERATOR_TOKEN, api, provisionTenant, startStack, waitFor, type Stack, type Tenant } from './support/stack';
import { testNumbers } from './support/numbers';

const MB = 1024 * 1024;
const BOUNDARY = 'clarion-limits-test';

/** RSS of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D/g, '')) / 1024;
}

/** `lines` as one block, sent again and again up to `bytes`: the test process stays idle while it streams. */
function repeated(lines: string[], bytes: number): () => Buffer | null {
  const block = Buffer.from(lines.join(''));
  let sent = 0;
  return () => {
    if (sent >= bytes) return null;
    sent += block.length;
    return block;
  };
}

/** 64 KB of 13-byte lines of valid numbers, again and again: what matters is the gateway's memory, not the numbers. */
const numberLines = (seed: number, bytes: number) =>
  repeated(
    testNumbers(5000, seed).map((n) => n + '\n'),
    bytes,
  );

/**
 * ~64 KB of CSV lines ~1,000 bytes wide (a valid number, then a wide column), again and again up
 * to `bytes`: a file that crosses the byte limit with few lines (67,000 per 64 MB).
 */
const wideLines = (bytes: number) =>
  repeated(
    // The wide column is a fifth one, which a contact file ignores (name, custom1 and custom2 are bounded).
    testNumbers(64, 14).map((n) => `${n},,,,${'x'.repeat(1000 - n.length - 5)}\n`),
    bytes,
  );

/**
 * A raw campaign upload request: its text fields and the toFile part's head are written, the file's
 * lines are the caller's to stream. `onAnswer` runs when the answer's head arrives.
 */
function openUpload(stack: Stack, tenant: Tenant, name: string, onAnswer: () => void = () => undefined) {
  const url = new URL(stack.url);
  const req = request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: '/campaignmanager/campaigns',
    headers: {
      authorization: 'Basic ' + Buffer.from(tenant.auth.join(':')).toString('base64'),
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
  });
  const answer = new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      onAnswer();
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
  const field = (key: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`;
  req.write(field('name', name) + field('body', 'Hello') + field('fromPrefix', '1'));
  req.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="toFile"; filename="to.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  return { req, answer };
}

/**
 * Streams a campaign upload up to `pauseAtBytes` of the file (respecting backpressure), then stops
 * sending and waits for the answer: one that arrives while the client sends nothing more proves
 * the gateway refused the upload while it streamed, not after reading it all. Then gives up the
 * request, as curl does on an early error answer.
 */
async function refusedWhileStreaming(stack: Stack, tenant: Tenant, next: () => Buffer | null, pauseAtBytes: number) {
  let answeredAtBytes = -1;
  let written = 0;
  const { req, answer } = openUpload(stack, tenant, 'too big', () => (answeredAtBytes = written));
  answer.catch(() => undefined);
  const pump = (untilBytes: number) =>
    new Promise<boolean>((resolve) => {
      const more = () => {
        for (;;) {
          // As curl does: an answer, or a connection the gateway closed, ends the sending.
          if (written >= untilBytes || answeredAtBytes >= 0 || req.destroyed) return resolve(true);
          const chunk = next();
          if (!chunk) return resolve(false);
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', more);
            return;
          }
        }
      };
      req.once('close', () => resolve(false));
      more();
    });
  const t0 = Date.now();
  await pump(pauseAtBytes);
  const paused = Date.now();
  const answered = await Promise.race([answer, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
  const answerMs = Date.now() - t0;
  // As curl does on an early error answer: stop sending.
  req.destroy();
  return { answered, answerMs, streamMs: paused - t0, answeredAtBytes };
}

interface Upload {
  req: ClientRequest;
  answer: Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;
  /** Streams the rest of the file and the closing boundary. */
  finish(): void;
}

/**
 * A campaign upload over a raw HTTP request: the first `headBytes` of the file go out at once, the
 * rest only after finish(), so a test can hold many uploads open at the same time.
 */
function startUpload(stack: Stack, tenant: Tenant, fileBytes: number, headBytes: number, seed: number): Upload {
  const { req, answer } = openUpload(stack, tenant, `big ${seed}`);
  const next = numberLines(seed, fileBytes);
  let written = 0;
  while (written < headBytes) {
    const chunk = next();
    if (!chunk) break;
    req.write(chunk);
    written += chunk.length;
  }
  const finish = () => {
    const pump = () => {
      for (;;) {
        const chunk = next();
        if (!chunk) {
          req.end(`\r\n--${BOUNDARY}--\r\n`);
          return;
        }
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  return { req, answer, finish };
}

describe('gateway limits', () => {
  let stack: Stack;
  let uploadDir: string;
  beforeAll(async () => {
    uploadDir = mkdtempSync(join(tmpdir(), 'clarion-uploads-'));
    stack = await startStack({ env: { CLARION_UPLOAD_DIR: uploadDir, GATEWAY_REQUESTS_PER_SECOND: '20', GATEWAY_REQUESTS_BURST: '30', GATEWAY_UPLOADS_CONCURRENT_MAX: '10' } });
  });
  afterAll(async () => stack?.stop());

  it('removes the spooled file of an aborted 50 MB upload at once', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const upload = startUpload(stack, tenant, 50 * MB, 8 * MB, 1);
    upload.answer.catch(() => undefined);
    await waitFor('the upload to be spooled', async () => readdirSync(uploadDir).length > 0, 30_000, 20);
    upload.req.destroy(); // the client goes away mid-upload
    await waitFor('the spooled file to be removed', async () => readdirSync(uploadDir).length === 0, 5_000, 20);
  });

  it('keeps its memory flat through ten concurrent 50 MB uploads, and refuses an 11th with 429', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const pid = stack.pid('gateway')!;
    const idleMb = rssMb(pid);
    const uploads = Array.from({ length: 10 }, (_, i) => startUpload(stack, tenant, 50 * MB, 1 * MB, 10 + i));
    await waitFor('ten uploads to be spooling', async () => readdirSync(uploadDir).length >= 10, 30_000, 50);
    const eleventh = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
      auth: tenant.auth,
      form: (() => {
        const f = new FormData();
        f.append('name', 'eleventh');
        f.append('body', 'Hello');
        f.append('toFile', new Blob(['+14155550100\n']), 'to.csv');
        return f;
      })(),
    });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body).toMatchObject({ code: 429 });

    let peakMb = idleMb;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 100);
    for (const u of uploads) u.finish();
    const answers = await Promise.all(uploads.map((u) => u.answer));
    clearInterval(sampler);
    // Each file has more lines than a campaign may hold: the gateway refuses it past the limit.
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(413));
    console.log(`[figures] gateway RSS idle ${idleMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB during ten concurrent 50 MB uploads (+${(peakMb - idleMb).toFixed(0)} MB)`);
    expect(peakMb - idleMb).toBeLessThan(100);
    await waitFor('every spooled file to be removed', async () => readdirSync(uploadDir).length === 0, 10_000, 50);
    // The slots are free again.
    const after = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(after.status).toBe(200);
  });

  it('refuses an upload larger than the byte limit while it streams, its memory not growing with the file', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const pid = stack.pid('gateway')!;
    // A first refusal warms the upload path up (code compiled, buffers allocated once), so that what
    // the second one measures is what a file costs.
    await refusedWhileStreaming(stack, tenant, wideLines(80 * MB), LIMITS.uploadBytesMax + 4 * MB);
    const idleMb = rssMb(pid);
    let peakMb = idleMb;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 50);
    // 80 MB in all; the client stops 4 MB past the limit and waits for the answer.
    const r = await refusedWhileStreaming(stack, tenant, wideLines(80 * MB), LIMITS.uploadBytesMax + 4 * MB);
    clearInterval(sampler);
    console.log(
      `[figures] an 80 MB upload: refused after ${r.answerMs} ms (the client sent ${(r.answeredAtBytes / MB).toFixed(0)} MB by then, in ${r.streamMs} ms); gateway RSS idle ${idleMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB`,
    );
    expect(r.answered).not.toBeNull();
    expect(r.answered!.status).toBe(413);
    expect(JSON.parse(r.answered!.body)).toMatchObject({ code: 413, message: `Upload too large. toFile is larger than ${LIMITS.uploadBytesMax} bytes.` });
    expect(r.answeredAtBytes).toBeLessThan(80 * MB);
    expect(peakMb - idleMb).toBeLessThan(30);
    await waitFor('the spooled file to be removed', async () => readdirSync(uploadDir).length === 0, 10_000, 50);
  });

  it('refuses a file with more lines than a campaign may hold while it streams', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const linesMax = LIMITS.recipientsPerCampaignMax;
    // 13-byte lines: the client stops 100,000 lines past the limit (~14 MB, far below the byte limit).
    const fileBytes = (linesMax + 200_000) * 13;
    const r = await refusedWhileStreaming(stack, tenant, numberLines(13, fileBytes), (linesMax + 100_000) * 13);
    expect(r.answered).not.toBeNull();
    expect(r.answered!.status).toBe(413);
    expect(JSON.parse(r.answered!.body)).toMatchObject({ code: 413, message: `Upload too large. toFile has more than ${linesMax} recipients.` });
    expect(r.answeredAtBytes).toBeLessThan(fileBytes);
    await waitFor('the spooled file to be removed', async () => readdirSync(uploadDir).length === 0, 10_000, 50);
  });

  it('refuses a line longer than the line limit with 400 / 4001', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const form = new FormData();
    form.append('name', 'long line');
    form.append('body', 'Hello');
    form.append('toFile', new Blob([`${testNumbers(1, 14)[0]}\n${'1'.repeat(LIMITS.lineCharsMax + 1)}\n`]), 'to.csv');
    const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', { auth: tenant.auth, form });
    expect([r.status, r.body.code, r.body.message]).toEqual([400, 4001, `Invalid parameter. toFile line 2 is not valid CSV: longer than ${LIMITS.lineCharsMax} characters`]);
  });

  it('answers a page size beyond the limit, or not a whole number from 1, with 400 / 4001, and serves the limit itself', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    for (const path of ['/campaignmanager/campaigns/search', '/campaignmanager/credits/search']) {
      for (const query of [`pageSize=${LIMITS.pageSizeMax + 1}`, 'pageSize=0', 'pageSize=-1', 'pageSize=ten', 'pageSize=2.5']) {
        const r = await api(stack.url, 'GET', `${path}?${query}`, { auth: tenant.auth });
        expect([query, r.status, r.body.code, r.body.message]).toEqual([query, 400, 4001, `Invalid parameter. pageSize must be a whole number from 1 to ${LIMITS.pageSizeMax}.`]);
      }
      const bad = await api(stack.url, 'GET', `${path}?page=-1`, { auth: tenant.auth });
      expect([bad.status, bad.body.code, bad.body.message]).toEqual([400, 4001, 'Invalid parameter. page must be a whole number from 0.']);
      const max = await api(stack.url, 'GET', `${path}?pageSize=${LIMITS.pageSizeMax}`, { auth: tenant.auth });
      expect([max.status, max.body.pageSize]).toEqual([200, LIMITS.pageSizeMax]);
    }
  });

  it('answers 429 with Retry-After past an account’s request rate, and other accounts are unaffected', async () => {
    const [busy, calm] = [await provisionTenant(stack.url, 0), await provisionTenant(stack.url, 0)];
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => fetch(`${stack.url}/campaignmanager/credits/balance`, { headers: { authorization: 'Basic ' + Buffer.from(busy.auth.join(':')).toString('base64') } })),
    );
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited[0].json()).toMatchObject({ code: 429 });
    expect((await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: calm.auth })).status).toBe(200);
  });

  it('answers a repeated or array-valued query parameter with 400 / 4001', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    for (const query of ['name=a&name=b', 'name[]=a', 'name[x]=1']) {
      const r = await api(stack.url, 'GET', `/campaignmanager/campaigns/search?${query}`, { auth: tenant.auth });
      expect([r.status, r.body.code]).toEqual([400, 4001]);
      expect(r.body.message).toContain('"name"');
    }
  });

  it('adds an operator top-up once per idempotency key, and refuses one without a key', async () => {
    const tenant = await provisionTenant(stack.url, 0);
    const op: [string, string] = ['operator', OPERATOR_TOKEN];
    const topUp = () => api(stack.url, 'POST', '/campaignmanager/credits', { auth: op, json: { enterpriseSid: tenant.enterpriseSid, credit: 250 }, headers: { 'Idempotency-Key': 'retry-me' } });
    const [first, retry] = [await topUp(), await topUp()];
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.data.sid).toBe(first.body.data.sid);
    const conflicting = await api(stack.url, 'POST', '/campaignmanager/credits', { auth: op, json: { enterpriseSid: tenant.enterpriseSid, credit: 999 }, headers: { 'Idempotency-Key': 'retry-me' } });
    expect(conflicting.status).toBe(409);
    const balance = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
    expect(balance.body.data.available).toBe(250);
    const keyless = await api(stack.url, 'POST', '/campaignmanager/credits', { auth: op, json: { enterpriseSid: tenant.enterpriseSid, credit: 250 } });
    expect([keyless.status, keyless.body.code]).toEqual([409, 4000]);
  });
});

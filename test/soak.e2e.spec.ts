/**
 * A five-minute soak: campaigns keep running while a random service is SIGKILLed every 5–15 s and
 * the supervisor restarts it. At the end every accepted campaign has completed, no number got two
 * messages, every recipient of an accepted campaign got one, credits are exact, and nothing was
 * dead-lettered.
 */
import { randomInt } from 'node:crypto';
import { TOPIC } from '@clarion/contracts';
import { api, campaignForm, provisionTenant, startStack, waitFor, type ServiceName, type Stack } from './support/stack';
import { testNumbers } from './support/numbers';

const SOAK_MS = Number(process.env.CLARION_SOAK_MS ?? 5 * 60_000);
const RECIPIENTS = 3000;
const CAMPAIGNS_IN_FLIGHT = 2;
const SERVICES: ServiceName[] = ['credit-svc', 'dnd-svc', 'campaign-svc', 'dispatch-svc', 'gateway'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Attempt {
  numbers: string[];
  sid: string | null;
  accepted: boolean;
}

describe('soak: random SIGKILLs while campaigns run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        // An upload cut off by a killed gateway fails its campaign (497) soon instead of in 15 minutes.
        CAMPAIGN_INITIATION_TIMEOUT_MS: '20000',
        CAMPAIGN_STEP_TIMEOUT_MS: '30000',
        DISPATCH_RECONCILE_TIMEOUT_MS: '60000',
      },
    });
  });
  afterAll(async () => stack?.stop());

  it(
    `loses and doubles nothing over ${SOAK_MS / 1000} s`,
    async () => {
      const credits = 2_000_000;
      const tenant = await provisionTenant(stack.url, credits);
      const attempts: Attempt[] = [];
      let nextBase = 0;
      let soaking = true;
      const kills: string[] = [];

      const chaos = (async () => {
        while (soaking) {
          await sleep(randomInt(5000, 15001));
          if (!soaking) break;
          const name = SERVICES[randomInt(SERVICES.length)];
          kills.push(name);
          await stack.kill(name, 'SIGKILL');
        }
      })();

      // Each worker keeps one campaign going: create it (a killed gateway may cut the upload off),
      // then wait for it to end before the next.
      const worker = async () => {
        while (soaking) {
          const numbers = testNumbers(RECIPIENTS, 5, nextBase);
          nextBase += RECIPIENTS;
          const attempt: Attempt = { numbers, sid: null, accepted: false };
          attempts.push(attempt);
          try {
            const r = await api(stack.url, 'POST', '/campaignmanager/campaigns', {
              auth: tenant.auth,
              form: campaignForm({ name: `soak ${attempts.length}`, body: 'Soak test', fromPrefix: '1' }, numbers),
            });
            if (r.status === 201) {
              attempt.sid = r.body.data.sid;
              attempt.accepted = true;
            }
          } catch {
            /* the gateway died under the upload: this attempt may or may not exist */
          }
          if (!attempt.accepted) {
            await sleep(1000);
            continue;
          }
          await waitFor(
            'the campaign to end',
            async () => {
              const r = await api(stack.url, 'GET', `/campaignmanager/campaigns/search/${attempt.sid}`, { auth: tenant.auth });
              return ['completed', 'failed', 'cancelled'].includes(r.body?.data?.status);
            },
            600_000,
            500,
          );
        }
      };
      const workers = Array.from({ length: CAMPAIGNS_IN_FLIGHT }, () => worker());
      await sleep(SOAK_MS);
      soaking = false;
      await chaos;
      await Promise.all(workers);

      // Every campaign the API knows of, accepted or cut off, reaches a final state.
      const all = await waitFor(
        'every campaign to reach a final state',
        async () => {
          const r = await api(stack.url, 'GET', '/campaignmanager/campaigns/search?pageSize=1000', { auth: tenant.auth });
          const list: { sid: string; status: string; total: number; failureCode?: number }[] = r.body?.data ?? [];
          return list.every((c) => ['completed', 'failed', 'cancelled'].includes(c.status)) ? list : null;
        },
        180_000,
        1000,
      );
      const bySid = new Map(all.map((c) => [c.sid, c]));
      // Listed with their failure codes, so a failure says which watchdog or step gave up.
      const notCompleted = attempts
        .filter((a) => a.accepted && bySid.get(a.sid!)?.status !== 'completed')
        .map((a) => ({ sid: a.sid, status: bySid.get(a.sid!)?.status, failureCode: bySid.get(a.sid!)?.failureCode }));
      expect(notCompleted).toEqual([]);

      const perNumber = new Map<string, number>();
      for (const s of stack.smsc.submits()) perNumber.set(s.to, (perNumber.get(s.to) ?? 0) + 1);
      expect([...perNumber.entries()].filter(([, n]) => n > 1)).toEqual([]); // nobody got two messages
      for (const a of attempts.filter((x) => x.accepted)) {
        const missing = a.numbers.filter((n) => !perNumber.has(n));
        expect(missing).toEqual([]); // nobody of an accepted campaign was skipped
      }

      const used = all.filter((c) => c.status === 'completed').reduce((n, c) => n + c.total, 0);
      expect(used).toBe(perNumber.size); // one credit per one-segment message actually sent
      const balance = await waitFor(
        'credits to settle',
        async () => {
          const b = await api(stack.url, 'GET', '/campaignmanager/credits/balance', { auth: tenant.auth });
          return b.body?.data?.reserved === 0 ? b.body.data : null;
        },
        120_000,
        1000,
      );
      expect(balance).toMatchObject({ reserved: 0, used, available: credits - used });

      const dead = await deadLetterCount(stack);
      expect(dead).toBe(0);
      console.log(
        `[figures] soak ${SOAK_MS / 1000} s: ${kills.length} SIGKILLs (${SERVICES.map((s) => `${s} ${kills.filter((k) => k === s).length}`).join(', ')}), ` +
          `${attempts.filter((a) => a.accepted).length} campaigns accepted, ${attempts.filter((a) => !a.accepted).length} uploads cut off, ${perNumber.size} messages, 0 doubled`,
      );
    },
    SOAK_MS + 15 * 60_000,
  ); // the soak, then every campaign settling
});

async function deadLetterCount(stack: Stack): Promise<number> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(stack.prefix + TOPIC.deadLetters);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

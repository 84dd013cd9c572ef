import { parseOutcomeWeights } from './call.decider';
import { VoiceSimulator } from './voice-simulator';

/** The bundled voice carrier simulator as a process, for `npm start` and benchmarks. */
async function main(): Promise<void> {
  const env = process.env;
  const optionalNumber = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    // A typo in a setting must stop the process, not silently become NaN timers.
    if (!Number.isFinite(n)) throw new Error(`${name} must be a number, not "${v}"`);
    return n;
  };
  const accountSid = env.VOICE_SIM_ACCOUNT_SID || 'ACclarion';
  const sim = new VoiceSimulator({
    port: optionalNumber('VOICE_SIM_PORT') ?? 2780,
    accountSid,
    authToken: env.VOICE_SIM_AUTH_TOKEN || 'clarion-voice-token',
    outcomes: env.VOICE_SIM_OUTCOMES ? parseOutcomeWeights(env.VOICE_SIM_OUTCOMES) : undefined,
    ringMs: optionalNumber('VOICE_SIM_RING_MS'),
    callMs: optionalNumber('VOICE_SIM_CALL_MS'),
    maxConcurrent: optionalNumber('VOICE_SIM_MAX_CONCURRENT'),
  });
  const { port } = await sim.start();
  console.log(`voice simulator listening on http://127.0.0.1:${port}/2010-04-01 (account ${accountSid}; inspect http://127.0.0.1:${port}/sim/calls and /sim/stats)`);
  const stop = () => sim.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

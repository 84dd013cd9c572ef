// Starts Clarion's processes from the compiled tree, with their output prefixed by their name.
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..');
const SERVICES = ['credit-svc', 'dnd-svc', 'campaign-svc', 'dispatch-svc', 'gateway'];

function entryOf(name) {
  if (name === 'smsc-sim' || name === 'voice-sim') return path.join(root, 'dist', 'tools', name, 'src', 'main.js');
  return path.join(root, 'dist', 'apps', name, 'src', 'main.js');
}

/**
 * The processes that run at a lower CPU priority when asked (`lowPriority`): dispatch-svc, which takes
 * every free cycle while a campaign sends, and the carrier simulators, which stand in for machines
 * of their own. On a host they share with the gateway, the API is answered first: on 2 cores, with
 * 50 clients polling a campaign every 100 ms while it dispatched, GET p99 went 132 → 73 ms (medians
 * of 3), for a fifth of the dispatch rate while the API is that busy (npm run bench:api; README,
 * Performance). The level is
 * CLARION_BATCH_NICE (default 10; 0 runs them like the rest). Through `nice`, so every thread of the
 * process has it (setpriority on a running process lowers only its main thread).
 */
const LOW_PRIORITY = new Set(['dispatch-svc', 'smsc-sim', 'voice-sim']);

function niceLevel(env) {
  const raw = env.CLARION_BATCH_NICE ?? process.env.CLARION_BATCH_NICE ?? '10';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error(`CLARION_BATCH_NICE must be a whole number from 0 to 19, not "${raw}"`);
  return n;
}

function spawnProcess(name, env, { quiet = false, lowPriority = false } = {}) {
  // CLARION_NODE_ARGS passes flags Node refuses in NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // to profile every service of a stack or a benchmark run.
  const nodeArgs = (env.CLARION_NODE_ARGS ?? process.env.CLARION_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // A bound on each service's heap: left to itself V8 grows the heap of a busy service lazily
  // (dispatch-svc reached 920 MiB RSS in a 1,000,000-recipient campaign; 367 MiB with this bound).
  const heapMb = env.CLARION_SERVICE_HEAP_MB ?? process.env.CLARION_SERVICE_HEAP_MB ?? '320';
  // Not the SMSC simulator: it keeps every message it received, for its stats and the tests.
  if (SERVICES.includes(name) && !nodeArgs.some((a) => a.startsWith('--max-old-space-size'))) nodeArgs.push(`--max-old-space-size=${heapMb}`);
  // A larger young generation: the services allocate fast and briefly (a PDU, a row, a record per
  // message), and with V8's default 16 MiB semi-space dispatch-svc spent a fifth of its CPU in
  // scavenges. 32 MiB: 4,547/4,947 → 5,296/5,422 msg/s (300,000-recipient bench, runs interleaved),
  // for ~40 MiB more RSS per service.
  const semiMb = env.CLARION_SERVICE_SEMI_SPACE_MB ?? process.env.CLARION_SERVICE_SEMI_SPACE_MB ?? '32';
  if (SERVICES.includes(name) && !nodeArgs.some((a) => a.startsWith('--max-semi-space-size'))) nodeArgs.push(`--max-semi-space-size=${semiMb}`);
  const args = [...nodeArgs, '-r', path.join(__dirname, 'register.js'), entryOf(name)];
  const nice = lowPriority && LOW_PRIORITY.has(name) && process.platform !== 'win32' ? niceLevel(env) : 0;
  // `nice` execs node in place: the child's pid is node's, as signals and the supervisor expect.
  const [command, argv] = nice > 0 ? ['nice', ['-n', String(nice), process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      if (quiet) return;
      for (const line of chunk.toString().split('\n')) if (line) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}

/** Resolves when the process prints `text`, rejects if it exits first or the wait times out. */
function waitForOutput(child, text, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen = (seen + chunk.toString()).slice(-4000);
      if (seen.includes(text)) done(resolve);
    };
    const onExit = (code) => done(() => reject(new Error(`process exited (${code}) before "${text}":\n${seen}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for "${text}":\n${seen}`))), timeoutMs);
    function done(fn) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      fn();
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

function stopProcess(child, signal = 'SIGTERM', timeoutMs = 15000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

module.exports = { SERVICES, spawnProcess, waitForOutput, stopProcess, root };

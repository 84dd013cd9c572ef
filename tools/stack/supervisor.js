// Keeps Clarion's processes running, as `restart: unless-stopped` does under compose: a process that
// exits or is killed while the stack is not stopping is started again, after a delay that doubles
// with each quick restart (0.5 s up to 30 s). A process that had been ready for a while before it
// went away is not crash-looping (it was killed, or lost a dependency): its delay starts again at
// the minimum, so a service killed now and then is never left down for half a minute.
const { spawnProcess, waitForOutput, stopProcess } = require('./processes');

const RESTART_DELAY_MS_MIN = 500;
const RESTART_DELAY_MS_MAX = 30_000;
/** Ready for this long before it exited: the next restart waits the minimum again. */
const HEALTHY_UPTIME_MS = 10_000;

/** The line each kind of process prints once it is ready. */
function readyLine(name) {
  return name === 'smsc-sim' || name === 'voice-sim' ? 'listening' : `${name} started`;
}

class Supervised {
  /**
   * @param {string} name the process (a service, 'smsc-sim' or 'voice-sim')
   * @param {Record<string,string>} env its environment on top of ours
   * @param {{ quiet?: boolean, lowPriority?: boolean, label?: string, log?: (line: string) => void }} options
   */
  constructor(name, env, options = {}) {
    this.name = name;
    this.env = env;
    this.options = options;
    this.label = options.label ?? name;
    this.log = options.log ?? ((line) => console.error(line));
    this.child = null;
    this.restarts = 0;
    this.stopping = false;
    this.delayMs = RESTART_DELAY_MS_MIN;
    this.readyWaiters = [];
    this.timer = null;
    this.readyAt = 0;
    this.lastExitAt = 0;
  }

  /** Starts the process and resolves once it printed its ready line. */
  async start() {
    this.spawn();
    await this.ready();
  }

  /** Resolves when the current (or the next, if it is restarting) process is ready. */
  ready(timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label} not ready within ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves once a process started after the latest exit (or kill) is ready. */
  restarted(timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (this.readyAt > this.lastExitAt && this.pid() !== undefined) return resolve();
        if (Date.now() > deadline) return reject(new Error(`${this.label} was not restarted within ${timeoutMs} ms`));
        setTimeout(check, 50);
      };
      check();
    });
  }

  spawn() {
    const child = spawnProcess(this.name, this.env, { quiet: this.options.quiet, lowPriority: this.options.lowPriority });
    this.child = child;
    const startedAt = Date.now();
    waitForOutput(child, readyLine(this.name), 24 * 3600_000)
      .then(() => {
        this.readyAt = Date.now();
        const waiters = this.readyWaiters.splice(0);
        for (const w of waiters) w();
      })
      .catch(() => undefined); // it exited before it was ready: the exit handler restarts it
    child.once('exit', (code, signal) => {
      this.lastExitAt = Date.now();
      if (this.stopping || this.child !== child) return;
      const readyForMs = this.readyAt >= startedAt ? Date.now() - this.readyAt : 0;
      if (readyForMs >= HEALTHY_UPTIME_MS) this.delayMs = RESTART_DELAY_MS_MIN;
      const delayMs = this.delayMs;
      this.delayMs = Math.min(RESTART_DELAY_MS_MAX, this.delayMs * 2);
      this.restarts++;
      this.log(`[supervisor] ${this.label} exited (${signal ?? code}); restarting in ${(delayMs / 1000).toFixed(1)}s (restart ${this.restarts})`);
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.stopping) this.spawn();
      }, delayMs);
    });
  }

  pid() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  kill(signal = 'SIGKILL') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Stops it for good: no restart after this. */
  async stop() {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await stopProcess(this.child);
  }
}

module.exports = { Supervised, RESTART_DELAY_MS_MIN, RESTART_DELAY_MS_MAX };

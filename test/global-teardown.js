module.exports = async function globalTeardown() {
  for (const s of (globalThis.__clarionInfra ?? []).reverse()) await s.stop().catch(() => undefined);
};

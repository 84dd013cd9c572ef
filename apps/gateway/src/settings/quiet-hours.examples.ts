/** Examples shown in /docs next to the quiet-hours operations. */
export const QUIET_HOURS_BODY_EXAMPLE = { start: '08:00', end: '21:00', countries: { AU: { start: '09:00', end: '20:00' } } };

export const QUIET_HOURS_EXAMPLE = {
  code: 200,
  message: 'OK',
  data: { ...QUIET_HOURS_BODY_EXAMPLE, isDefault: false, dateUpdated: '2026-12-02T15:04:05.123Z' },
};

export const errorExample = (code: number, message: string, data: unknown = null) => ({ code, errorCode: String(code), message, data });

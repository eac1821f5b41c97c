/** `datetime-local` values (local time, to the minute) and back to instants for the API. */
const pad = (n: number) => String(n).padStart(2, '0');

export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An RFC 3339 instant, or undefined for an empty or unreadable value. */
export function fromLocalInput(value: string): string | undefined {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** The last 24 hours, the end rounded up to the next minute so an order placed just now is in. */
export function lastDay(now = new Date()): { from: Date; to: Date } {
  const to = new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000);
  return { from: new Date(to.getTime() - 24 * 3600_000), to };
}

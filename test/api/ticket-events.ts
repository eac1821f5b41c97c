/** A reader of a queue ticket's server-sent events, for the waiting room tests. */

export interface TicketEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: events of several shapes
  data: any;
}

export interface TicketStream {
  /** The response status (200, or the problem's). */
  status: number;
  /** Resolves with every event once the server ends the stream (or the reader gives up). */
  ended: Promise<TicketEvent[]>;
  close(): void;
}

/** Opens the ticket's stream; `onEvent` sees each event as it arrives. */
export async function openTicketStream(
  url: string,
  token: string,
  onEvent: (event: TicketEvent) => void = () => {},
): Promise<TicketStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  const events: TicketEvent[] = [];
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status, ended: Promise.resolve(events), close: () => controller.abort() };
  }
  const ended = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return events;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields['data'] === undefined) continue;
          const event = { event: fields['event'] ?? '', data: JSON.parse(fields['data']) };
          events.push(event);
          onEvent(event);
        }
      }
    } catch {
      return events;
    }
  })();
  return { status: 200, ended, close: () => controller.abort() };
}

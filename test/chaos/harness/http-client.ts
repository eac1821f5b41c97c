/**
 * The shopper's HTTP client: retries what a real client would retry (connection refused, timeouts,
 * 5xx, 429) until a deadline, and returns every other answer as it came.
 */
export interface HttpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies of many shapes are inspected by the driver
  body: any;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Per attempt. */
  requestTimeoutMs: number;
  /** Across attempts. */
  deadlineMs: number;
  onRetry?: (reason: string) => void;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  async send(
    method: string,
    path: string,
    { token, body, headers }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const deadline = Date.now() + this.options.deadlineMs;
    let delay = 200;
    for (;;) {
      let reason: string;
      try {
        const res = await fetch(`${this.options.baseUrl}${path}`, {
          method,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
        const text = await res.text();
        if (!RETRYABLE.has(res.status))
          return { status: res.status, body: text ? safeJson(text) : undefined };
        reason = `${res.status} ${text.slice(0, 200)}`;
      } catch (error) {
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (Date.now() + delay > deadline) throw new Error(`${method} ${path} gave up: ${reason}`);
      this.options.onRetry?.(reason);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 3_000);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

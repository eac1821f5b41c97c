/** Who is signed in: the token the demo sign-in got, kept in this tab's session storage. */
export interface Session {
  token: string;
  customerId: string;
  role: 'customer' | 'operator';
}

const KEY = 'order-platform-session';

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function endSession(): void {
  sessionStorage.removeItem(KEY);
}

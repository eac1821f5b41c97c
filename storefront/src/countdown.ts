/** A countdown to a moment, shown as mm:ss and updated every second; calls `onZero` once when it ends. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

/** Starts the countdown in `element`; the returned function stops it. */
export function startCountdown(element: HTMLElement, until: Date, onZero: () => void): () => void {
  const tick = () => {
    const left = until.getTime() - Date.now();
    element.textContent = formatRemaining(left);
    if (left <= 0) {
      clearInterval(timer);
      onZero();
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
  return () => clearInterval(timer);
}

/** What the server told the page (a meta tag in the HTML): demo sign-in, and where the Temporal Web UI is. */
export interface StorefrontSettings {
  demoLogin: boolean;
  temporalUiUrl: string;
  temporalNamespace: string;
}

export function readSettings(): StorefrontSettings {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="storefront-settings"]');
  return JSON.parse(meta?.content ?? '{}') as StorefrontSettings;
}

/** Vite's `?raw` imports: the file's text (the workers tests read wrangler.toml this way). */
declare module "*?raw" {
  const text: string;
  export default text;
}

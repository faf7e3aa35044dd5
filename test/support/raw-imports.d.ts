// Vite's `?raw` suffix: a file's text as the module's default export (tests read action.yml this way).
declare module "*?raw" {
  const text: string;
  export default text;
}
